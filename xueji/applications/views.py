"""Application pages: the approver's inbox, the list of applications, the overdue list, one application with its
timeline and decision forms, evidence download, and filing registrations and controlled-field changes.

The views only read the form and call the same services and selectors as the JSON API.
"""

from itertools import groupby

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from xueji.audit.exports import cap_note, export_params
from xueji.core.errors import Conflict, Forbidden, RuleViolation
from xueji.core.inputs import parse_id, parse_int
from xueji.core.masking import mask_id
from xueji.orgs import selectors as org_selectors
from xueji.orgs.models import SchoolClass
from xueji.orgs.permissions import SchoolPolicy
from xueji.policy import codes
from xueji.policy.fields import INFO_CHANGE_FIELDS
from xueji.students.permissions import StudentPolicy
from xueji.students.selectors import find_student
from xueji.web import record_form
from xueji.web.pages import (
    download_or_back,
    form_errors,
    org_crumbs,
    page,
    paginate,
    require,
    violation_text,
    wants_xlsx,
)

from . import bulk, selectors, services
from .api import evidence_response
from .engine import change_type, registered
from .exports import export_applications, export_inbox
from .models import Application, Step
from .permissions import ApplicationPolicy, may_decide

# The controlled items of 第十五条, in the order of the national form (the grade is 第二十三条's: not here).
CONTROLLED = INFO_CHANGE_FIELDS
OVERDUE_ROWS_MAX = 1000
INBOX_PER_PAGE = 30
DECISIONS = {"approve": "同意", "reject": "驳回", "cancel": "撤销"}


def _filters(request) -> dict:
    return {key: request.GET.get(key, "").strip() or None for key in ("type", "status", "school")}


@page
def list_page(request):
    user = request.user
    filters = _filters(request)
    if wants_xlsx(request):
        return download_or_back(request, lambda: export_applications(
            user, type_code=filters["type"], status=filters["status"], school=filters["school"]))
    try:
        qs = selectors.list_applications(user, type_code=filters["type"], status=filters["status"],
                                         school=filters["school"])
        problems = []
    except RuleViolation as exc:
        qs, problems = Application.objects.none(), form_errors(exc)[1]
    page_obj = paginate(request, qs)
    selectors.audit_list(user, filters, page_obj.paginator.count)
    context = {
        "page_obj": page_obj,
        "rows": [_row(a) for a in page_obj.object_list],
        "filters": filters,
        "problems": problems,
        "types": sorted((code, c.label) for code, c in registered().items()),
        "statuses": Application.Status.choices,
        "show_school": user.role not in ("registrar", "leader"),
        "export_params": export_params(request),
        "export_note": cap_note(),
        "crumbs": [{"label": "申请记录", "url": None}],
    }
    return render(request, "applications/list.html", context)


def _row(application: Application, today=None) -> dict:
    """One application in a table: its current step and both deadlines in words."""
    steps = sorted(application.steps.all(), key=lambda s: s.order)
    current = next((s for s in steps if s.status == Step.Status.PENDING), None)
    return {
        "app": application,
        "current": current,
        "due": selectors.due(application.due_date, today=today)
        if application.status == Application.Status.PENDING else None,
        "step_due": selectors.due(current.due_date, working=True, today=today) if current else None,
    }


@page
def inbox_page(request):
    user = request.user
    selectors.refuse_auditor(user)
    if wants_xlsx(request):
        return download_or_back(request, lambda: export_inbox(user))
    # One page at a time, soonest due first; each deadline in words is worked out once per date on the page.
    page_obj = paginate(request, selectors.inbox_steps(user), per_page=INBOX_PER_PAGE)
    due = selectors.due_memo(timezone.localdate())
    rows = [{"app": step.application, "step": step, "due": due(step.application.due_date),
             "step_due": due(step.due_date, working=True)} for step in page_obj.object_list]
    selectors.audit_list(user, {"awaiting": "me", "page": page_obj.number}, page_obj.paginator.count)
    context = {
        "rows": rows,
        "page_obj": page_obj,
        "can_decide": user.role in ("leader", "county", "city", "province"),
        "export_params": export_params(request),
        "export_note": cap_note(),
        "crumbs": [{"label": "待办审批", "url": None}],
    }
    return render(request, "applications/inbox.html", context)


@page
@require_POST
def batch_approve_page(request):
    ids = [pk for pk in map(parse_id, request.POST.getlist("ids")) if pk is not None]
    if not ids:
        messages.warning(request, "请先勾选要通过的申请。")
        return redirect("web:applications:inbox")
    result = services.approve_many(request.user, ids, comment=request.POST.get("comment", "").strip())
    if result["approved"]:
        messages.success(request, f"已通过{len(result['approved'])}件申请。")
    for failure in result["failed"]:
        messages.error(request, f"申请{failure['id']}未通过:{failure['message']}")
    return redirect("web:applications:inbox")


@page
def overdue_page(request):
    user = request.user
    today = timezone.localdate()
    applications = list(selectors.overdue_applications(user, today)[:OVERDUE_ROWS_MAX])
    students = list(selectors.unregistered_overdue(user, today)[:OVERDUE_ROWS_MAX])
    groups: dict[str, dict] = {}
    for school_id, items in groupby(applications, key=lambda a: a.school_id):
        items = list(items)
        groups.setdefault(school_id, {"school": items[0].school, "rows": [], "students": []})
        groups[school_id]["rows"] = [_row(a, today) for a in items]
    for school_id, items in groupby(students, key=lambda s: s.school_id):
        items = list(items)
        groups.setdefault(school_id, {"school": items[0].school, "rows": [], "students": []})
        groups[school_id]["students"] = items
    selectors.audit_list(user, {"awaiting": "overdue"}, len(applications) + len(students))
    context = {
        "groups": [groups[k] for k in sorted(groups)],
        "truncated": len(applications) >= OVERDUE_ROWS_MAX or len(students) >= OVERDUE_ROWS_MAX,
        "deadline_days": selectors.get_policy().registration_deadline_days,
        "crumbs": [{"label": "申请记录", "url": "/applications/"}, {"label": "逾期未办", "url": None}],
    }
    return render(request, "applications/overdue.html", context)


def _detail_context(request, application: Application, **extra) -> dict:
    user = request.user
    today = timezone.localdate()
    steps = sorted(application.steps.all(), key=lambda s: s.order)
    current = next((s for s in steps if s.status == Step.Status.PENDING), None)
    pending = application.status == Application.Status.PENDING
    student = application.student
    return {
        "app": application,
        "student": student,
        "student_link": StudentPolicy.user_can(user, "view", student),
        "changes": [{**r, "old_text": record_form.change_text(r["field"], r["old"]),
                     "new_text": record_form.change_text(r["field"], r["new"])}
                    for r in selectors.change_rows(application)],
        "other_payload": selectors.other_payload(application),
        "steps": [{"step": s, "due": selectors.due(s.due_date, working=True, today=today)
                   if s.status == Step.Status.PENDING else None} for s in steps],
        "current": current,
        "due": selectors.due(application.due_date, today=today) if pending else None,
        "can_decide": bool(current and may_decide(user, current)),
        "can_cancel": pending and ApplicationPolicy.user_can(user, "cancel", application),
        "can_attach": pending and user.role == "registrar" and user.school_id == application.school_id,
        "crumbs": org_crumbs(user, school=application.school, tail=f"{application.type_label}·{student.name}")
        if SchoolPolicy.user_can(user, "view", application.school) else [],
        "errors": [],
        **extra,
    }


@page
def detail_page(request, pk: int):
    application = selectors.find_application(request.user, pk)
    if application.student_id is None:
        # A scoped application (no single record) has its own page, named by its change type.
        return redirect(change_type(application.type).extra["detail_url"](application))
    return render(request, "applications/detail.html", _detail_context(request, application))


@page
@require_POST
def decide_page(request, pk: int, action: str):
    user = request.user
    selectors.find_application(user, pk, purpose=action, audit_read=False)
    comment = request.POST.get("comment", "").strip()
    expected = request.POST.get("expected_step", "")
    expected_step = parse_int(expected, 1, 99)
    try:
        if action == "approve":
            services.approve(user, pk, comment=comment, expected_step=expected_step)
        elif action == "reject":
            services.reject(user, pk, comment=comment, expected_step=expected_step)
        else:
            services.cancel(user, pk, comment=comment)
    except (RuleViolation, Conflict, Forbidden) as exc:
        application = selectors.find_application(user, pk, audit_read=False)
        context = _detail_context(request, application, errors=form_errors(exc)[1], failed_action=action,
                                  comment=comment)
        return render(request, "applications/detail.html", context, status=exc.status)
    messages.success(request, f"已{DECISIONS[action]}该申请。")
    return redirect("web:applications:detail", pk=pk)


@page
@require_POST
def evidence_upload_page(request, pk: int):
    user = request.user
    selectors.find_application(user, pk, purpose="evidence", audit_read=False)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择证明材料文件(JPG、PNG或PDF)。")
        return redirect("web:applications:detail", pk=pk)
    try:
        services.attach_evidence(user, pk, upload, kind=request.POST.get("kind", "").strip()[:60])
    except (RuleViolation, Conflict, Forbidden) as exc:
        for message in form_errors(exc)[1]:
            messages.error(request, message)
    else:
        messages.success(request, "证明材料已上传。")
    return redirect("web:applications:detail", pk=pk)


@page
def evidence_page(request, pk: int, evidence_id: int):
    return evidence_response(selectors.find_evidence(request.user, pk, evidence_id))


@page
@require_POST
def register_student_page(request, key: str):
    """The registrar files the 注册 application of one 待注册 student (第十一条)."""
    student = find_student(request.user, key, purpose="application", audit_read=False)
    try:
        application = services.submit(request.user, "registration", student,
                                      reason=request.POST.get("reason", "").strip())
    except (RuleViolation, Conflict) as exc:
        for message in form_errors(exc)[1]:
            messages.error(request, f"未能提交注册申请:{message}")
        return redirect("web:students:detail", key=student.key)
    messages.success(request, f"已提交{student.name}的注册申请,请学校领导审核。")
    return redirect("web:applications:detail", pk=application.pk)


def info_change_values(student, post=None) -> dict:
    """The form's values: the record's current ones, except the ID number, which no page shows whole
    (第四十四条): its box starts empty and stays empty unless the number changes."""
    if post is None:
        return {name: "" if name == "id_number" else record_form.form_value(getattr(student, name))
                for name in CONTROLLED}
    return {name: post.get(name, "").strip() for name in CONTROLLED}


def requested_changes(student, values: dict) -> dict:
    """Only what differs from the record is requested; an empty ID box means "unchanged", unless the ID
    type becomes 无 (Z), which has no number."""
    changes = {}
    for name in CONTROLLED:
        current = record_form.form_value(getattr(student, name))
        if name == "id_number" and not values[name]:
            if values["id_type"] == "Z" and current:
                changes[name] = ""
            continue
        if values[name] != current:
            changes[name] = values[name]
    return changes


def info_change_context(student, values, errors=None, error_list=None, reason="") -> dict:
    return {
        "student": student,
        "values": values,
        "errors": errors or {},
        "error_list": error_list or [],
        "reason": reason,
        "genders": codes.GENDER.items(),
        "id_types": codes.ID_TYPE.items(),
        "masked_id": mask_id(student.id_number),
    }


@page
@require_http_methods(["GET", "POST"])
def info_change_page(request, key: str):
    """申请变更受控信息 (第十五条): only what differs from the record is requested, with the evidence scans."""
    user = request.user
    student = find_student(user, key, purpose="application", audit_read=request.method == "GET")
    require(StudentPolicy.user_can(user, "edit", student), "受控信息变更申请须由学生所在学校的学籍管理员发起")
    if request.method == "GET":
        # A link may preset new values and the reason (a guardian's report, xueji.guardians); never the ID
        # number, which does not travel in a URL (第四十四条).
        preset = {k: v.strip() for k, v in request.GET.items() if k in CONTROLLED and k != "id_number" and v.strip()}
        context = info_change_context(student, info_change_values(student) | preset,
                                      reason=request.GET.get("reason", "").strip()[:500])
        context["crumbs"] = org_crumbs(user, school=student.school, tail="申请变更受控信息")
        return render(request, "applications/info_change.html", context)
    values = info_change_values(student, request.POST)
    changes = requested_changes(student, values)
    reason = request.POST.get("reason", "").strip()
    kind = request.POST.get("evidence_kind", "").strip()[:60]
    evidence = [(kind, upload) for upload in request.FILES.getlist("evidence")]
    try:
        application = services.submit(user, "info_change", student, {"changes": changes}, reason=reason,
                                      evidence=evidence)
    except (RuleViolation, Conflict) as exc:
        errors, error_list = form_errors(exc)
        context = info_change_context(student, values, errors, error_list, reason)
        context["evidence_kind"] = kind
        context["crumbs"] = org_crumbs(user, school=student.school, tail="申请变更受控信息")
        return render(request, "applications/info_change.html", context, status=exc.status)
    messages.success(request, "已提交受控信息变更申请,批准后才会改动学籍(第十五条)。")
    return redirect("web:applications:detail", pk=application.pk)


@page
@require_POST
def register_all_page(request, code: str):
    """全部提交注册: every 待注册 student of the school (or one class) with no registration under way yet."""
    user = request.user
    school = org_selectors.find_school(user, code)
    class_id = request.POST.get("class", "")
    pk = parse_id(class_id)
    school_class = SchoolClass.objects.filter(pk=pk, school=school).first() if pk is not None else None
    students = list(selectors.awaiting_registration(user, school, school_class))
    result = bulk.submit_many(user, "registration", [s.key for s in students])
    by_key = {s.key: s for s in students}
    rows = [{"student": by_key[r["student"]], "ok": r["status"] == 201, "application": r["application"],
             "messages": [violation_text(v) for v in r["error"].violations] if r["error"] else []}
            for r in result["results"]]
    context = {
        "school": school,
        "school_class": school_class,
        "rows": rows,
        "submitted": sum(1 for r in rows if r["ok"]),
        "failed": sum(1 for r in rows if not r["ok"]),
        "crumbs": org_crumbs(user, school=school, school_class=school_class, tail="全部提交注册"),
    }
    return render(request, "applications/register_all.html", context)
