"""Sessions are saved only when they change: the inactivity clock moves on every few minutes, not by an UPDATE of
the session row on every request (issue 15 item 6)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from xueji.core.sessions import REFRESHED


def _session_writes(client, url="/"):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries
            if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]


def test_pages_do_not_rewrite_the_session_until_it_is_due(world, client_for, settings):
    settings.XUEJI_SESSION_REFRESH_SECONDS = 300
    client = client_for(world.county_xd)
    _session_writes(client)  # the first page after signing in starts the clock
    assert _session_writes(client) == [] and _session_writes(client) == []
    session = client.session
    session[REFRESHED] = 0  # last refreshed long ago
    session.save()
    assert len(_session_writes(client)) == 1
    assert _session_writes(client) == []


def test_an_anonymous_visit_writes_no_session(db, client):
    with CaptureQueriesContext(connection) as queries:
        client.get("/login/")
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
