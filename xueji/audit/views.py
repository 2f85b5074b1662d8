"""The audit log pages (第四十四条): the log with filters, and a check that its hash chain is unbroken.

Only auditors and the province read it; each reading is itself written to the log.
"""

import datetime

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xueji.core.errors import RuleViolation
from xueji.policy.violations import Violation
from xueji.students.selectors import audit_object_ids
from xueji.web.pages import download_or_back, is_htmx, page, paginate, require, wants_xlsx

from . import services
from .exports import cap_note, export_params
from .labels import OUTCOME_LABELS, action_choices, with_org_names
from .log_export import export_log
from .permissions import AuditPolicy

REFUSED = "只有审计员和省级教育行政部门可以查阅审计日志"


def _require_reader(user, action: str) -> None:
    if not AuditPolicy.can_read(user):
        services.record_refusal(user, action, object_type="audit", object_id="", reason="无审计查阅权限")
    require(AuditPolicy.can_read(user), REFUSED)


def _day(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def _start_of(day: datetime.date) -> datetime.datetime:
    # Dates on the page are Beijing dates: a day starts at local midnight.
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _filtered(user, params) -> tuple:
    filters = {key: params.get(key, "").strip() for key in ("actor", "action", "object", "outcome", "since", "until")}
    qs = AuditPolicy.visible_to(user).order_by("-id")
    if filters["actor"]:
        qs = qs.filter(actor_username=filters["actor"])
    if filters["action"]:
        action = filters["action"]
        qs = qs.filter(action__startswith=action[:-1]) if action.endswith("*") else qs.filter(action=action)
    if filters["object"]:
        qs = qs.filter(object_id__in=audit_object_ids(filters["object"]))
    if filters["outcome"]:
        qs = qs.filter(outcome=filters["outcome"])
    problems = []
    for key, lookup, shift in (("since", "at__gte", 0), ("until", "at__lt", 1)):
        if not filters[key]:
            continue
        day = _day(filters[key])
        if day is None:
            problems.append(f"日期“{filters[key]}”格式不正确,请按 YYYY-MM-DD 填写")
            continue
        qs = qs.filter(**{lookup: _start_of(day + datetime.timedelta(days=shift))})
    return qs, filters, problems


@page
def log_page(request):
    user = request.user
    _require_reader(user, "audit.read")
    services.seal_before_reading()
    qs, filters, problems = _filtered(user, request.GET)
    if wants_xlsx(request):
        return download_or_back(request, lambda: _export(user, qs, filters, problems))
    page_obj = paginate(request, qs, per_page=50)
    # Read the page before logging this reading: the lazy slice would otherwise pick up the new row.
    events = with_org_names(page_obj.object_list)
    with transaction.atomic():
        services.record(user, "audit.read", object_type="audit",
                        details={k: v for k, v in filters.items() if v} | {"count": page_obj.paginator.count})
    context = {
        "page_obj": page_obj,
        "events": events,
        "filters": filters,
        "problems": problems,
        "actions": action_choices(),
        "outcomes": OUTCOME_LABELS.items(),
        "export_params": export_params(request),
        "export_note": cap_note(),
    }
    return render(request, "audit/list.html", context)


def _export(user, qs, filters, problems):
    # The page ignores a mistyped date and says so; a file would silently hold more than asked, so it is refused.
    if problems:
        raise RuleViolation([Violation("invalid_date", p, field="since") for p in problems])
    return export_log(user, qs, filters)


@page
@require_POST
def verify_page(request):
    """Recompute the chain from the first event; an edited or deleted row breaks it there."""
    user = request.user
    _require_reader(user, "audit.verify")
    verdict = services.verify(user)
    result = verdict.as_dict() | {"at": timezone.now()}
    if is_htmx(request):
        return render(request, "audit/_chain.html", {"chain": result})
    if verdict.intact:
        messages.success(request, f"审计链完整:已核验 {verdict.checked} 条记录,与已签署的检查点相符,未发现篡改或删除。")
    else:
        messages.error(request, f"审计链不完整:{verdict.message}。请立即上报。")
    for warning in verdict.warnings:
        messages.warning(request, f"注意:{warning}")
    return redirect("web:audit:list")
