"""A guardian account is confined to the guardian's own pages and endpoints (and log-out, password, token).

Every officer page and endpoint already gives him nothing (his role has no node in the org tree); this refuses
him at the door as well, so no list page answers a guardian with an empty 200 and no new page can forget him.
The web side is GuardianConfinementMiddleware; the API side is called by the bearer-token check.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from xueji.core.errors import Forbidden

from .permissions import GUARDIAN

REFUSED = "家长账号只能查看和核对本人孩子的学籍信息"
# Web pages a guardian may open besides his own (namespace web:guardians).
# The public student-number query stays open to a guardian, as to anyone.
WEB_ALLOWED = {"web:login", "web:logout", "web:accounts:password", "web:guardians", "web:lookup"}
# API paths a guardian's token may call, by prefix.
API_ALLOWED = ("/api/v1/guardian/", "/api/v1/public/", "/api/v1/auth/logout", "/api/v1/auth/me", "/api/v1/auth/tokens")


def is_confined(user) -> bool:
    return getattr(user, "is_authenticated", False) and getattr(user, "role", "") == GUARDIAN


def confine_api(request, user) -> None:
    if is_confined(user) and not request.path.startswith(API_ALLOWED):
        raise Forbidden(REFUSED)


class GuardianConfinementMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not is_confined(getattr(request, "user", None)):
            return None
        match = request.resolver_match
        namespace = match.namespace if match else ""
        if namespace == "api" or namespace.startswith("api:") or (match and not namespace):
            return None  # the API authenticates by token only (confine_api decides there); "" is the favicon
        if match and match.view_name == "web:home":
            return redirect("web:guardians:home")
        if match and (namespace in WEB_ALLOWED or match.view_name in WEB_ALLOWED):
            return None
        raise PermissionDenied(REFUSED)
