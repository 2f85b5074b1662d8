"""The navigation's counts (the to-do list, the inbox), reused for a short while per user.

Every page shows them, and for a county officer each is a query over every to-do provider (30–40 ms of database
time at 5,000,000 students): recounted on every page they were the largest cost the pages shared (issue #15). A
user's counts are therefore kept in the process's cache for XUEJI_BADGE_SECONDS (default 30) and counted afresh:
- at once after the user himself changed something (xueji.core.sessions marks the session on every successful
  write), so his own approvals and submissions show on the next page, in whichever server process serves it;
- whenever the home page counts its to-do list anyway (that list and its count are always live).
Others' changes reach the badge within XUEJI_BADGE_SECONDS. The lists behind the badges are never cached.

When a count has grown old, one request of the process counts it again while the others keep showing the last
count: under load every thread would otherwise count at the same moment (a county's count took a second each
when thirty-two pages asked for it together).
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from xueji.core.sessions import ACTED
from xueji.orgs.permissions import OFFICER_ROLES


def _key(user) -> str:
    return f"xueji:badges:{user.pk}"


def _shown(counts: dict[str, int]) -> dict[str, int]:
    return {url: n for url, n in counts.items() if n}


def _count(request, user) -> dict[str, int]:
    from xueji.applications.selectors import inbox_count
    from xueji.todo.selectors import request_count

    counts = {reverse("web:home"): request_count(request)}
    if user.role in ("leader", *OFFICER_ROLES):
        counts[reverse("web:applications:inbox")] = inbox_count(user)
    return counts


def badges(request, user) -> dict[str, int]:
    """{url: count} of the navigation's items that have waiting work (zero counts left out)."""
    if user.role == "guardian":
        return {}
    seconds = settings.XUEJI_BADGE_SECONDS
    live = hasattr(request, "_todo_count")  # the home page counted its list: that count is fresh
    session = getattr(request, "session", None)
    acted = session.get(ACTED, 0) if session is not None else 0
    key, now = _key(user), time.time()
    entry = cache.get(key) if seconds > 0 and not live else None
    if entry is not None and entry[0] >= acted:  # counted since the user's own last change
        if now - entry[0] < seconds or not cache.add(f"{key}:counting", True, timeout=10):
            return _shown(entry[1])
    counts = _count(request, user)
    if seconds > 0:
        cache.set(key, (now, counts), timeout=seconds * 10)  # kept past its time, to show while recounted
        cache.delete(f"{key}:counting")
    return _shown(counts)
