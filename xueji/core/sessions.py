"""Sessions expire after SESSION_COOKIE_AGE of inactivity without a database write on every request.

Django's SESSION_SAVE_EVERY_REQUEST would rewrite the session row (and its cookie) on each page: at province scale
one UPDATE per request for nothing. Instead a signed-in session is marked changed when it was last refreshed
more than XUEJI_SESSION_REFRESH_SECONDS ago; Django then saves it with a new expiry. The inactivity limit thus
holds to within that many seconds (5 minutes of two hours by default).
"""

import time

from django.conf import settings

REFRESHED = "_xueji_refreshed"
# When the user last changed something (a successful POST, PUT, PATCH or DELETE): the navigation's cached counts
# (xueji.web.badges) older than this are counted afresh, in whichever server process serves the next page.
ACTED = "_xueji_acted"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class SlidingSessionMiddleware:
    """Placed right after SessionMiddleware, so that its response step runs before the session is saved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        # An anonymous visit has no session worth keeping alive; a flushed session (log-out) stays empty.
        if session is None or session.is_empty() or user is None or not user.is_authenticated:
            return response
        if request.method not in SAFE_METHODS and response.status_code < 400:
            session[ACTED] = time.time()
        now = int(time.time())
        if now - session.get(REFRESHED, 0) >= settings.XUEJI_SESSION_REFRESH_SECONDS:
            session[REFRESHED] = now
        return response
