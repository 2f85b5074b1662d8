"""The public query's counters: one upsert per count, shared by every worker process through the database.

A window opens at a subject's first query and lasts `window` seconds: "21 queries within a minute of the first"
is refused whatever the clock's minute boundaries. A counter is one row per (scope, subject), reused when its
window has passed, so counting costs one INSERT … ON CONFLICT DO UPDATE … RETURNING (SQLite ≥ 3.35 and
PostgreSQL speak the same statement) and never a read-modify-write race between workers.
"""

from dataclasses import dataclass

from django.db import connection

from .models import LookupCounter

Scope = LookupCounter.Scope

_TABLE = LookupCounter._meta.db_table

_COUNT = f"""
INSERT INTO {_TABLE} (scope, subject, started_at, hits, blocked_until) VALUES (%s, %s, %s, 1, 0)
ON CONFLICT (scope, subject) DO UPDATE SET
    hits = CASE WHEN {_TABLE}.started_at > %s THEN {_TABLE}.hits + 1 ELSE 1 END,
    started_at = CASE WHEN {_TABLE}.started_at > %s THEN {_TABLE}.started_at ELSE %s END
RETURNING hits, started_at, blocked_until
"""


@dataclass(frozen=True)
class Count:
    hits: int  # within the current window, this one included
    started_at: int  # when the window opened (seconds since the epoch)
    blocked_until: int = 0

    def seconds_left(self, window: int, now: int) -> int:
        return max(1, self.started_at + window - now)


def count(scope: str, subject: str, *, now: int, window: int) -> Count:
    """Count one more for the subject in its window (a fresh window when the last one has passed)."""
    cutoff = now - window
    with connection.cursor() as cursor:
        cursor.execute(_COUNT, [scope, subject[:64], now, cutoff, cutoff, now])
        hits, started_at, blocked_until = cursor.fetchone()
    return Count(hits, started_at, blocked_until)


def block(scope: str, subject: str, *, until: int) -> None:
    LookupCounter.objects.filter(scope=scope, subject=subject[:64]).update(blocked_until=until)


def read(keys: list[tuple[str, str]], *, now: int, window: int) -> dict[tuple[str, str], Count]:
    """The live counts of several subjects in one query; a subject whose window has passed counts as none."""
    if not keys:
        return {}
    scopes = {scope for scope, _ in keys}
    subjects = {subject[:64] for _, subject in keys}
    rows = LookupCounter.objects.filter(scope__in=scopes, subject__in=subjects).values_list(
        "scope", "subject", "started_at", "hits", "blocked_until")
    found = {}
    for scope, subject, started_at, hits, blocked_until in rows:
        live = hits if started_at > now - window else 0
        found[(scope, subject)] = Count(live, started_at, blocked_until)
    return found


class KnownBlocks:
    """Subjects this process already saw blocked, and until when: a flood from a blocked address is refused from
    memory, without a database round trip, until its window ends. Each worker learns a block from the shared
    counter on its first refused query, so the limit still holds across processes; the memory only saves the
    repeated writes. Bounded: past `size` entries it starts afresh (the counters still hold every block)."""

    def __init__(self, size: int = 10_000):
        self.size = size
        self._until: dict[str, int] = {}

    def until(self, subject: str, now: int) -> int:
        until = self._until.get(subject, 0)
        return until if until > now else 0

    def remember(self, subject: str, until: int) -> None:
        if len(self._until) >= self.size:
            self._until.clear()
        self._until[subject] = until

    def forget_all(self) -> None:
        self._until.clear()
