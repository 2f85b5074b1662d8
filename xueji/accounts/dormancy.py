"""Dormant accounts (unused XUEJI_DORMANT_DAYS days) are sealed: log-in is refused until the level above reopens them.

Sealing is set-based (one UPDATE for the whole province, `xueji accounts seal-dormant`), and also checked lazily at
log-in for the one account, so a missed nightly run seals nobody late.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from xueji.audit import services as audit
from xueji.core.errors import Conflict, NotFound, ServiceError
from xueji.policy.violations import Violation

from .models import ApiToken, Role, User
from .permissions import account_in_charge

# Only the registry's staff are sealed, named one by one: guardians (and any later non-staff role) log in a few
# times a year, and a new role must not fall under sealing by being added to Role.
STAFF_ROLES = (Role.REGISTRAR, Role.LEADER, Role.COUNTY, Role.CITY, Role.PROVINCE, Role.AUDITOR)


class AccountSealed(ServiceError):
    """The password was right, but the account is sealed after long disuse (HTTP 403)."""

    status = 403
    summary = "账号已封存"
    default_code = "account_sealed"


def sealed_message() -> str:
    return (f"该账号已连续{settings.XUEJI_DORMANT_DAYS}天未使用,已被封存。"
            "请联系上级学籍主管部门启封后再登录")


def _dormant(qs, now):
    """Open, unsealed staff accounts whose last use (log-in, creation or reopening) is older than the limit."""
    cutoff = now - timedelta(days=settings.XUEJI_DORMANT_DAYS)
    last_use = Greatest(Coalesce("last_login", "date_joined"), Coalesce("reopened_at", "date_joined"))
    return (qs.filter(is_active=True, sealed_at__isnull=True, role__in=STAFF_ROLES)
            .alias(last_use=last_use).filter(last_use__lt=cutoff))


def seal_dormant(actor: User | None = None) -> list[str]:
    """Seal every dormant account in one UPDATE and revoke their tokens; one audit row names them all."""
    now = timezone.now()
    with transaction.atomic():
        # One UPDATE marks them all with this run's instant, which then names them for the tokens and the log.
        if not _dormant(User.objects.all(), now).update(sealed_at=now):
            return []
        ApiToken.objects.filter(user__sealed_at=now, revoked_at__isnull=True).update(revoked_at=now)
        usernames = list(User.objects.filter(sealed_at=now).order_by("username").values_list("username", flat=True))
        audit.record(actor, "account.seal_dormant", object_type="user", object_id=f"{len(usernames)}",
                     details={"days": settings.XUEJI_DORMANT_DAYS, "count": len(usernames),
                              "usernames": usernames[:1000]})
    return usernames


def is_dormant(user: User) -> bool:
    return _dormant(User.objects.filter(pk=user.pk), timezone.now()).exists()


def refuse_sealed(user: User) -> None:
    """At log-in, after the password was found right: seal the account now if it is dormant (the nightly
    command may not have run yet), and refuse it with whom to ask."""
    now = timezone.now()
    if user.sealed_at is None:
        with transaction.atomic():
            if _dormant(User.objects.filter(pk=user.pk), now).update(sealed_at=now):
                ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
                audit.record(user, "account.seal_dormant", obj=user, object_id=user.username,
                             details={"days": settings.XUEJI_DORMANT_DAYS, "count": 1, "at_login": True})
    audit.record(user, "auth.login", obj=user, object_id=user.username, outcome="sealed")
    raise AccountSealed(Violation("account_sealed", sealed_message(), None, None))


def reopen_account(actor: User, username: str) -> User:
    """The level above lifts the seal; the account's dormancy counts afresh from now."""
    account = account_in_charge(actor, username, "account.reopen", "只有账号所属单位的上级主管部门可以启封账号")
    return _reopen(actor, account)


def reopen_sealed_from_shell(username: str) -> User:
    """The command line's reopen, for province accounts that have no level above."""
    account = User.objects.filter(username=username).first()
    if account is None:
        raise NotFound("未找到该账号", refusal=False)
    return _reopen(None, account)


def _reopen(actor: User | None, account: User) -> User:
    with transaction.atomic():
        updated = User.objects.filter(pk=account.pk, sealed_at__isnull=False).update(sealed_at=None,
                                                                                       reopened_at=timezone.now())
        if not updated:
            raise Conflict(Violation("not_sealed", "该账号未被封存,无须启封", None, "username"))
        audit.record(actor, "account.reopen", obj=account, object_id=account.username)
    account.refresh_from_db()
    return account
