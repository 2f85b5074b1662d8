"""An account whose holder left is closed (dated, with its reason), never deleted: its audit rows, decisions and
filings keep pointing at it and still name its holder."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from xueji.audit import services as audit
from xueji.core.errors import Conflict, RuleViolation
from xueji.policy.violations import Violation

from .models import ApiToken, User
from .permissions import account_in_charge


def close_account(actor: User, username: str, *, reason: str, closed_on: date | None = None) -> User:
    """The holder left: the account stops (is_active False), dated and with its reason; its history stays."""
    account = account_in_charge(actor, username, "account.close", "只有账号所属单位的上级主管部门可以注销账号")
    closed_on = closed_on or timezone.localdate()
    problems = []
    if not (reason or "").strip():
        problems.append(Violation("reason_required", "请填写注销原因,如“调离岗位”“退休”", None, "reason"))
    if closed_on > timezone.localdate():
        problems.append(Violation("future_date", "注销日期不能晚于今天", None, "closed_on"))
    if problems:
        raise RuleViolation(problems)
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=account.pk)
        if not account.is_active:
            raise Conflict(Violation("account_closed", "该账号已注销", None, "username"))
        account.is_active, account.closed_on, account.closed_reason = False, closed_on, reason.strip()[:200]
        account.save(update_fields=["is_active", "closed_on", "closed_reason"])
        revoked = ApiToken.objects.filter(user=account, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit.record(actor, "account.close", obj=account, object_id=account.username, reason=account.closed_reason,
                     details={"closed_on": closed_on.isoformat(), "tokens_revoked": revoked})
    return account
