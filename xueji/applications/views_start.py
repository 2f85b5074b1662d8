"""Pages of status changes (学籍异动): the registrar's menu and start forms, a student's timeline, and the
督办 lists (overdue steps, expired suspensions, term-end dropouts).

Views read the form and call applications.services.submit and the selectors; every rule is the change type's.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from xueji.core.errors import ServiceError
from xueji.policy.fields import GRADE_LABELS
from xueji.students.change_labels import EVENT_ITEM_LABELS, VALUE_TEXT, change_label, registry_value_text
from xueji.students.permissions import StudentPolicy
from xueji.students.selectors import find_student
from xueji.web import record_form
from xueji.web.pages import org_crumbs, page, require, violation_text

from . import oversight, services, start_forms
from .engine import TRANSITIONS
from .timeline import student_timeline

STARTER_ONLY = "学籍异动由学生所在学校的学籍管理员发起,学校领导和主管部门在审批环节办理"


def _starter(request, key: str, purpose: str, audit_read: bool = True):
    student = find_student(request.user, key, purpose=purpose, audit_read=audit_read)
    require(StudentPolicy.user_can(request.user, "edit", student), STARTER_ONLY)
    return student


@page
def menu_page(request, key: str):
    """发起学籍异动: the types TRANSITIONS allows from the student's status."""
    user = request.user
    student = _starter(request, key, "changes")
    context = {
        "student": student,
        "rows": start_forms.applicable(student),
        "crumbs": org_crumbs(user, school=student.school, school_class=student.school_class, tail="发起学籍异动"),
    }
    return render(request, "applications/start/menu.html", context)


def _values(spec, student, source, *, defaults: bool) -> dict:
    """What the form shows: the posted values, or on first display the query string (a button's preset, e.g.
    ?ground=suspension_expired) and then the spec's defaults."""
    values = {"note": source.get("note", "")}
    if spec.reasons:
        values[spec.reason_key] = source.get(spec.reason_key, "")
    for i in start_forms.inputs_for(spec, student):
        if i.kind == "multi":
            values[i.name] = source.getlist(i.name)
        else:
            values[i.name] = source.get(i.name, "") or (i.default(student) if defaults and i.default else "")
    return values


def _errors(spec, exc: ServiceError) -> tuple[dict, list[str]]:
    by_field: dict[str, list[str]] = {}
    for v in exc.violations:
        by_field.setdefault(start_forms.error_field(spec, v.field), []).append(violation_text(v))
    return by_field, [violation_text(v) for v in exc.violations]


def _form_context(request, spec, student, values, errors=None, error_list=None) -> dict:
    form = start_forms.describe(spec.code, student)
    placed = {f["name"] for f in form["fields"]} | {p["field"] for p in form["proofs"]}
    placed |= {spec.reason_key} | ({start_forms.GENERIC_FILES} if spec.generic_files else set())
    errors = errors or {}
    return {
        "student": student, "spec": spec, "form": form, "values": values, "errors": errors,
        "error_list": error_list or [],
        "other_errors": [m for name, ms in errors.items() if name not in placed for m in ms],
        "status_allowed": student.status in TRANSITIONS.get(spec.code, {}),
        "crumbs": org_crumbs(request.user, school=student.school, school_class=student.school_class,
                             tail=spec.label),
    }


@page
@require_http_methods(["GET", "POST"])
def start_page(request, key: str, type_code: str):
    """One change type's form; POST files it through services.submit and shows refusals beside the fields."""
    user = request.user
    student = _starter(request, key, "changes", audit_read=request.method == "GET")
    try:
        spec = start_forms.spec_for(type_code)
    except ServiceError as exc:
        raise Http404(exc.message) from exc
    if request.method == "GET":
        values = _values(spec, student, request.GET, defaults=True)
        return render(request, "applications/start/form.html", _form_context(request, spec, student, values))
    values = _values(spec, student, request.POST, defaults=False)
    try:
        payload, evidence, note = start_forms.read_form(spec, student, request.POST, request.FILES)
        application = services.submit(user, spec.code, student, payload, reason=note, evidence=evidence)
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        errors, error_list = _errors(spec, exc)
        context = _form_context(request, spec, student, values, errors, error_list)
        return render(request, "applications/start/form.html", context, status=exc.status)
    messages.success(request, f"已提交{spec.label}申请,请学校领导审核。")
    return redirect("web:applications:detail", pk=application.pk)


def _change_rows(changes: dict) -> list[dict]:
    rows = []
    for name, pair in (changes or {}).items():
        old, new = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        label = change_label(name)
        if name == "grade":
            old, new = (GRADE_LABELS.get(v, v) if v is not None else None for v in (old, new))
        elif name in VALUE_TEXT:
            old, new = (registry_value_text(name, v) for v in (old, new))
        elif name not in EVENT_ITEM_LABELS:
            old, new = (record_form.change_text(name, v) if v is not None else None for v in (old, new))
        rows.append({"label": label, "old": old, "new": new})
    return rows


@page
def timeline_page(request, key: str):
    user = request.user
    student = find_student(user, key, purpose="timeline")
    entries = student_timeline(user, student)
    for entry in entries:
        entry["change_rows"] = _change_rows(entry["changes"])
    context = {
        "student": student,
        "entries": entries,
        "crumbs": org_crumbs(user, school=student.school, school_class=student.school_class,
                             tail=f"{student.name}·学籍时间线"),
    }
    return render(request, "applications/start/timeline.html", context)


# ---------------------------------------------------------------- 督办


@page
def oversight_index(request):
    return redirect("web:changes:overdue_steps")


@page
def overdue_steps_page(request):
    user = request.user
    rows = oversight.overdue_steps(user)
    oversight.audit_list(user, "overdue_steps", len(rows))
    context = {
        "groups": oversight.group_overdue(rows), "count": len(rows), "truncated": len(rows) >= oversight.ROWS_MAX,
        "fallback_note": next((r["fallback_note"] for r in rows if r["fallback_note"]), ""),
        "today": timezone.localdate(), "crumbs": [{"label": "督办", "url": None}, {"label": "超期环节", "url": None}],
    }
    return render(request, "applications/oversight/overdue_steps.html", context)


@page
def expired_page(request):
    user = request.user
    rows = oversight.expired(user)
    oversight.audit_list(user, "expired_suspensions", len(rows))
    context = {"rows": rows, "crumbs": [{"label": "督办", "url": None}, {"label": "休学期满未复学", "url": None}]}
    return render(request, "applications/oversight/expired.html", context)


@page
def dropouts_page(request):
    user = request.user
    rows, term = oversight.dropouts(user)
    oversight.audit_list(user, "dropouts", len(rows))
    context = {"rows": rows, "term": term, "this_term": sum(1 for r in rows if r["this_term"]),
               "crumbs": [{"label": "督办", "url": None}, {"label": "辍学学生名单", "url": None}]}
    return render(request, "applications/oversight/dropouts.html", context)
