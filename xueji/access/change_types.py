"""查阅申请 (第四十四条) on the application engine: a scoped application (no single record) asking that one account
may read, or export, the personal data of a list of students, a school or a division, for a dated period.

Filed by an officer or a registrar, for himself or for an outside party he names (a researcher, a court, another
department, a journalist's request). One step: the competent authority of the scope approves in writing, which
means the approver uploads the written decision's scan. No one approves his own application. Approval opens an
AccessGrant; the student status is untouched (TRANSITIONS has no entry: no student moves).
"""

import datetime

from django.urls import reverse
from django.utils import timezone

from xueji.applications.engine import ChangeType, StepSpec, register
from xueji.policy import access as rules
from xueji.policy.province import get_policy
from xueji.policy.violations import Violation

from .scope import read_scope

DECISION_KIND = "access_decision"  # the evidence kind of the written approval's scan


def parse_date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value or ""))
    except ValueError:
        return None


def _grantee_problems(payload) -> list:
    from xueji.accounts.models import User

    if not User.objects.filter(pk=payload.get("grantee_id"), is_active=True).exists():
        return [Violation("access_grantee", "获准账号 grantee 不存在或已停用", rules.A44, "grantee")]
    return []


def _decision_problems(ctx) -> list:
    application = ctx.application
    found = []
    if application.created_by_id == ctx.actor.pk:
        found.append(rules.self_approval())
    if not application.evidence.filter(kind=DECISION_KIND).exists():
        found.append(rules.decision_missing())
    until = parse_date(application.payload.get("valid_until"))
    if until is None or until < timezone.localdate():
        found.append(Violation("access_period_past", "申请的查阅期限已过,请驳回后重新申请", rules.A44,
                                     "valid_until"))
    return found


def check_access(ctx) -> list:
    if ctx.application is not None:  # the final approval: the written decision, by someone else
        return _decision_problems(ctx)
    payload = ctx.payload
    found = rules.check_request(
        use=payload.get("use"), purpose=str(payload.get("purpose") or ""),
        requester_kind=payload.get("requester_kind"), requester_name=str(payload.get("requester_name") or ""),
        valid_from=parse_date(payload.get("valid_from")), valid_until=parse_date(payload.get("valid_until")),
        today=timezone.localdate(), max_days=get_policy().access_grant_max_days)
    _scope, problems = read_scope(payload)
    return found + problems + _grantee_problems(payload)


def steps_access(application) -> list[StepSpec]:
    scope, _problems = read_scope(application.payload)
    authority = scope.authority
    # No working-day limit: the article sets none, and a request may wait for the authority's meeting.
    return [StepSpec("学籍主管部门书面批准", authority.level, authority, None)]


def apply_access(application, actor) -> None:
    from .services import open_grant

    open_grant(application, actor)


register(ChangeType(
    code="access", label="查阅申请", article=rules.A44,
    steps=steps_access, check=check_access, apply=apply_access,
    starter_roles=("registrar", "county", "city", "province"),
    extra={"scoped": True, "decision_scan": True,
           "detail_url": lambda application: reverse("web:access:application", args=[application.pk])},
))
