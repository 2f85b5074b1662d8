"""Growing delays after failed log-ins, per source address and per username, decided before any password is hashed.

A password check costs Argon2's ~0.7 s of CPU, so a throttled attempt must be refused before it reaches the hasher;
and an attempt is charged as a failure *before* hashing (refunded if the password was right), so that a burst of
parallel guesses across gunicorn workers cannot all slip through while the first ones are still being hashed.

Counts live in the database (LoginThrottle), shared by every worker. Past the free number of failures each further
failure doubles the wait, from XUEJI_LOGIN_DELAY_SECONDS up to XUEJI_LOGIN_LOCK_MINUTES; a quiet day
(XUEJI_LOGIN_FORGET_HOURS) forgets them.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from xueji.core.errors import ServiceError
from xueji.policy.violations import Violation

from .models import KnownLoginAddress, LoginThrottle, User

Scope = LoginThrottle.Scope


class LoginThrottled(ServiceError):
    """Too many failed log-ins from this address or for this name: wait (HTTP 429 with Retry-After)."""

    status = 429
    summary = "登录尝试过于频繁"
    default_code = "login_throttled"

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(Violation(code=self.default_code, message=throttled_message(retry_after)))


def throttled_message(seconds: int) -> str:
    # The same words whether the address or the name is throttled, and whether the name exists.
    wait = f"{seconds}秒" if seconds < 60 else f"{math.ceil(seconds / 60)}分钟"
    return (f"登录失败次数过多,请于{wait}后再试。如在常用的电脑上仍无法登录,"
            "请联系上级学籍主管部门解锁")


def _free_failures(scope: str) -> int:
    return settings.XUEJI_LOGIN_MAX_FAILURES if scope == Scope.USERNAME else settings.XUEJI_LOGIN_ADDRESS_MAX_FAILURES


def delay_after(scope: str, failures: int) -> timedelta | None:
    """The wait earned by this many failures: none up to the free number, then doubling up to the cap."""
    over = failures - _free_failures(scope)
    if over < 0:
        return None
    cap = settings.XUEJI_LOGIN_LOCK_MINUTES * 60
    # Bounded exponent: 2**40 seconds is already far past any cap.
    return timedelta(seconds=min(cap, settings.XUEJI_LOGIN_DELAY_SECONDS * 2 ** min(over, 40)))


def is_known_address(user: User | None, address: str) -> bool:
    """The account logged in successfully from this address lately (it is the user's usual computer)."""
    if user is None or not address:
        return False
    since = timezone.now() - timedelta(days=settings.XUEJI_LOGIN_KNOWN_ADDRESS_DAYS)
    return KnownLoginAddress.objects.filter(user=user, address=address, last_success_at__gt=since).exists()


def remember_address(user: User, address: str) -> None:
    if address:
        KnownLoginAddress.objects.update_or_create(user=user, address=address,
                                                   defaults={"last_success_at": timezone.now()})


def keys_for(address: str, username: str, *, spare_username: bool) -> list[tuple[str, str]]:
    """The buckets an attempt is counted in. From a usual address of the account the username lock does not
    apply (so nobody can lock a user out of her own office), only that address's own throttle."""
    keys = []
    if address:
        keys.append((Scope.ADDRESS, address[:150]))
    if not spare_username:
        keys.append((Scope.USERNAME, username[:150]))
    return keys


def _filter(keys):
    query = Q(pk__in=[])
    for scope, key in keys:
        query |= Q(scope=scope, key=key)
    return LoginThrottle.objects.filter(query)


def _wait(rows, now: datetime) -> int:
    blocked = [row.blocked_until for row in rows if row.blocked_until and row.blocked_until > now]
    return math.ceil(max((b - now).total_seconds() for b in blocked)) if blocked else 0


@dataclass
class Charge:
    """What admitting an attempt wrote, so that a right password can take it back."""

    # (scope, key) -> (row id, failures after the charge, failures, last failure, blocked until before it)
    rows: dict[tuple[str, str], tuple[int, int, int, datetime | None, datetime | None]]


def admit(keys: list[tuple[str, str]]) -> tuple[Charge | None, int, bool]:
    """(charge, 0, _) when the attempt may go on to the hasher; (None, seconds to wait, first refusal of this
    block) when it is throttled. Charging counts the attempt as a failure until `refund` says otherwise."""
    now = timezone.now()
    # A plain read first: a flood of throttled attempts takes no row locks and writes nothing.
    rows = list(_filter(keys))
    wait = _wait(rows, now)
    if wait:
        unnoted = any(r.blocked_until and r.blocked_until > now and r.noted_until != r.blocked_until for r in rows)
        return None, wait, unnoted and _note(keys, now)
    for scope, key in keys:
        LoginThrottle.objects.get_or_create(scope=scope, key=key)
    with transaction.atomic():
        rows = list(_filter(keys).select_for_update().order_by("scope", "key"))
        wait = _wait(rows, now)
        if wait:  # another worker's failure got there first
            return None, wait, False
        charge = Charge(rows={})
        for row in rows:
            before = (row.failures, row.last_failure_at, row.blocked_until)
            forget = timedelta(hours=settings.XUEJI_LOGIN_FORGET_HOURS)
            if row.last_failure_at and now - row.last_failure_at > forget:
                row.failures = 0
            row.failures += 1
            row.last_failure_at = now
            delay = delay_after(row.scope, row.failures)
            row.blocked_until = now + delay if delay else None
            row.save(update_fields=["failures", "last_failure_at", "blocked_until"])
            charge.rows[(row.scope, row.key)] = (row.pk, row.failures, *before)
    return charge, 0, False


def _note(keys, now: datetime) -> bool:
    """Mark the current block as noted; True only for the first refused attempt of it (that one is audited)."""
    noted = False
    with transaction.atomic():
        for row in _filter(keys).select_for_update():
            if row.blocked_until and row.blocked_until > now and row.noted_until != row.blocked_until:
                row.noted_until = row.blocked_until
                row.save(update_fields=["noted_until"])
                noted = True
    return noted


def refund(charge: Charge) -> None:
    """The password was right: take back the charged failure. The username's count starts afresh; the address's
    only loses this attempt (other people's failures from the same address still count)."""
    for (scope, _key), (pk, charged, failures, last_failure_at, blocked_until) in charge.rows.items():
        if scope == Scope.USERNAME:
            LoginThrottle.objects.filter(pk=pk).update(failures=0, blocked_until=None, noted_until=None)
            continue
        # Restore the row as it was, unless another attempt has counted since (then leave its block alone).
        LoginThrottle.objects.filter(pk=pk, failures=charged).update(
            failures=failures, last_failure_at=last_failure_at, blocked_until=blocked_until)


def clear_username(username: str) -> int:
    """An unlock from above: the username's count and delay are gone. Returns how many rows were blocked."""
    rows = LoginThrottle.objects.filter(scope=Scope.USERNAME, key=username[:150])
    blocked = rows.filter(blocked_until__gt=timezone.now()).count()
    rows.update(failures=0, blocked_until=None, noted_until=None, last_failure_at=None)
    return blocked


def with_lock_state(accounts):
    """Annotate `login_locked` (read by User.is_locked), so a list asks once rather than per row."""
    blocked = LoginThrottle.objects.filter(scope=Scope.USERNAME, key=OuterRef("username"),
                                           blocked_until__gt=timezone.now())
    return accounts.annotate(login_locked=Exists(blocked))
