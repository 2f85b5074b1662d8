"""备案 of the accounts that touch records (第四十二条): reported upward, confirmed by the level above.

A filing is a row; a change of holder or completed training is a new row (never an overwrite). Writes take the
acting user and write their audit row in the same transaction.
"""

from datetime import date

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from xueji.audit import services as audit
from xueji.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from xueji.orgs.models import Division
from xueji.policy.filing import ARTICLE, FILED_ROLES, filing_violations
from xueji.policy.violations import Violation

from .models import AccountFiling, User
from .permissions import AccountPolicy, account_in_charge, org_below_actor

STATUS_LABELS = {"unfiled": "未备案", "unconfirmed": "待确认", "confirmed": "已备案"}


def filing_authority(account: User) -> Division | None:
    """The level above that an account is filed with: the school's own authority node for school accounts,
    the parent division for county and city officers; None for accounts that are not filed."""
    if account.role not in FILED_ROLES:
        return None
    if account.school_id:
        return account.school.tree_parent
    return account.division.parent if account.division_id else None


def may_report(actor: User, account: User) -> bool:
    # The holder reports himself; the school's leader reports the school's registrar; an officer above may too.
    if actor.pk == account.pk:
        return True
    if actor.role == "leader" and account.school_id and actor.school_id == account.school_id:
        return True
    return org_below_actor(actor, account.division, account.school)


def _account_for_report(actor: User, username: str) -> User:
    account = User.objects.select_related("school", "division").filter(username=username).first()
    visible = account is not None and (
        account.pk == actor.pk or (actor.school_id and account.school_id == actor.school_id)
        or AccountPolicy.visible_to(actor).filter(pk=account.pk).exists())
    if not visible:
        raise NotFound("未找到该账号,或不在您的管辖范围内", actor=actor, action="account.filing",
                       object_type="user", object_id=username)
    if not may_report(actor, account):
        audit.record_refusal(actor, "account.filing", object_type="user", object_id=username)
        raise Forbidden("只有本人、本校主管领导或上级主管部门可以报送备案")
    return account


def submit_filing(actor: User, username: str, *, holder_name: str, post: str, since: date | None,
                  trained: bool = False, training_date: date | None = None, training_certificate: str = "",
                  contact: str = "", note: str = "") -> AccountFiling:
    """Report who holds the account to the level above (第四十二条); each report is a new row."""
    account = _account_for_report(actor, username)
    authority = filing_authority(account)
    if authority is None:
        raise RuleViolation(Violation("filing_not_required", "该账号的角色无须向上级备案", ARTICLE, "account"))
    if not account.is_active:
        raise Conflict(Violation("account_closed", "该账号已注销,不能再报送备案", ARTICLE, "account"))
    problems = filing_violations(holder_name=holder_name, post=post, since=since, trained=trained,
                                 training_date=training_date, contact=contact, today=timezone.localdate())
    if problems:
        raise RuleViolation(problems)
    with transaction.atomic():
        filing = AccountFiling.objects.create(
            account=account, filed_with=authority, holder_name=holder_name.strip(), post=post.strip(), since=since,
            trained=trained, training_date=training_date if trained else None,
            training_certificate=training_certificate.strip() if trained else "", contact=contact.strip(),
            note=note.strip(), filed_by=actor)
        audit.record(actor, "account.filing", obj=filing, object_id=str(filing.pk),
                     details={"account": account.username, "filed_with": authority.code, "trained": trained})
    return filing


def confirm_filing(actor: User, filing_id: int) -> AccountFiling:
    """The level above confirms the account's latest filing; an older one was replaced by the newer report."""
    filing = AccountFiling.objects.select_related("account").filter(pk=filing_id).first()
    if filing is None:
        raise NotFound("未找到该备案,或不在您的管辖范围内", actor=actor, action="account.filing_confirm",
                       object_type="accountfiling", object_id=filing_id)
    account_in_charge(actor, filing.account.username, "account.filing_confirm", "只有上级主管部门可以确认备案")
    with transaction.atomic():
        filing = AccountFiling.objects.select_for_update().get(pk=filing_id)
        latest = AccountFiling.objects.filter(account_id=filing.account_id).order_by("-filed_at", "-pk").first()
        if filing.confirmed_at is not None:
            raise Conflict(Violation("filing_confirmed", "该备案已确认", ARTICLE, None))
        if latest.pk != filing.pk:
            raise Conflict(Violation("filing_superseded", "该账号已有更新的备案,请确认最新一条", ARTICLE, None))
        filing.confirmed_by, filing.confirmed_at = actor, timezone.now()
        filing.save(update_fields=["confirmed_by", "confirmed_at"])
        audit.record(actor, "account.filing_confirm", obj=filing, object_id=str(filing.pk),
                     details={"account": filing.account.username})
    return filing


def with_filing_state(accounts):
    """Annotate each account's latest filing (id, holder, confirmation) in one query, for the lists."""
    latest = AccountFiling.objects.filter(account=OuterRef("pk")).order_by("-filed_at", "-pk")
    return accounts.annotate(
        filing_id=Subquery(latest.values("pk")[:1]),
        filing_holder=Subquery(latest.values("holder_name")[:1]),
        filing_trained=Subquery(latest.values("trained")[:1]),
        filing_filed_at=Subquery(latest.values("filed_at")[:1]),
        filing_confirmed_at=Subquery(latest.values("confirmed_at")[:1]),
    )


def filing_status(account) -> str:
    if account.filing_id is None:
        return "unfiled"
    return "confirmed" if account.filing_confirmed_at else "unconfirmed"


def filings_to_watch(actor: User, status: str | None = None):
    """The open accounts of the actor's subtree that must be filed, with their filing state; `status` narrows
    to unfiled / unconfirmed / confirmed. An officer's own account is filed with the level above him, so it is
    not his to watch, nor are his peers'."""
    qs = (AccountPolicy.visible_to(actor).filter(role__in=FILED_ROLES, is_active=True)
          .exclude(division_id=actor.division_id))
    qs = with_filing_state(qs.select_related("school", "division")).order_by("username")
    if status == "unfiled":
        qs = qs.filter(filing_id__isnull=True)
    elif status == "unconfirmed":
        qs = qs.filter(filing_id__isnull=False, filing_confirmed_at__isnull=True)
    elif status == "confirmed":
        qs = qs.filter(filing_confirmed_at__isnull=False)
    return qs


def filing_history(actor: User, username: str):
    """Every filing of one account, newest first, for whoever may see the account (or its holder)."""
    account = User.objects.filter(username=username).first()
    visible = account is not None and (
        account.pk == actor.pk or (actor.role == "leader" and account.school_id == actor.school_id)
        or AccountPolicy.visible_to(actor).filter(pk=account.pk).exists())
    if not visible:
        raise NotFound("未找到该账号,或不在您的管辖范围内", actor=actor, action="account.filing_read",
                       object_type="user", object_id=username)
    return account, (AccountFiling.objects.filter(account=account)
                     .select_related("filed_by", "confirmed_by", "filed_with").order_by("-filed_at", "-pk"))
