"""Student pages: search, a student's record, editing uncontrolled items, a new record, revealing an ID number.

Every page that shows one student finds him through selectors.find_student, which answers 404 for an outsider
and writes the read to the audit log.
"""

import base64
from functools import partial

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from xueji.audit.exports import cap_note, export_params
from xueji.core.errors import Conflict, RuleViolation
from xueji.core.inputs import parse_id
from xueji.orgs.models import SchoolClass
from xueji.orgs.permissions import SchoolPolicy
from xueji.policy.fields import EDITABLE_BEFORE_REGISTRATION, GRADE_LABELS
from xueji.web import record_form
from xueji.web.pages import (
    download_or_back,
    form_errors,
    is_htmx,
    org_crumbs,
    page,
    paginate,
    paginate_sorted_matches,
    require,
    wants_xlsx,
)

from . import name_search
from .change_labels import change_label, registry_value_text
from .exports import export_students
from .models import Status
from .permissions import StudentPolicy
from .selectors import as_list, audit_search, find_student, search_students
from .services import create_student, reveal_id_number, reveal_identity, set_photo, update_student

# Above this many schools a drop-down is no help (a city has thousands); the officer types the code instead.
SCHOOL_SELECT_MAX = 200
# Common values a new record starts with; the registrar changes them when they do not apply.
NEW_RECORD_DEFAULTS = {"nationality": "CHN", "id_type": "1", "hmt_overseas": "00"}


def _int_or_none(text: str | None) -> int | None:
    return parse_id(text)


def _search_filters(request) -> dict:
    return {
        "school": request.GET.get("school", "").strip() or None,
        "status": request.GET.get("status", "").strip() or None,
        "grade": _int_or_none(request.GET.get("grade")),
    }


@page
def search_page(request):
    user = request.user
    q = request.GET.get("q", "").strip()
    filters = _search_filters(request)
    if wants_xlsx(request):
        return download_or_back(request, lambda: export_students(user, q, **filters))
    page_obj = None
    if q or any(filters.values()):
        found = as_list(search_students(user, q, **filters))
        # A typed name is sorted in full for its page: its count rides along (pages.paginate_sorted_matches).
        page_obj = paginate_sorted_matches(request, found, fetch=partial(
            name_search.indexed_page, user, q, filtered=any(filters.values()))) if q else paginate(request, found)
        audit_search(user, q, {k: v for k, v in filters.items() if v}, page_obj.paginator.count)
    # The school filter is a drop-down up to SCHOOL_SELECT_MAX schools (a county's, a city's), else a typed code.
    schools = list(SchoolPolicy.visible_to(user).order_by("code").only("code", "name")[:SCHOOL_SELECT_MAX + 1])
    context = {
        "q": q,
        "filters": filters,
        "page_obj": page_obj,
        "students": page_obj.object_list if page_obj else [],
        "schools": schools if len(schools) <= SCHOOL_SELECT_MAX else None,
        "statuses": Status.choices,
        "grades": sorted(GRADE_LABELS.items()),
        "show_school": user.role not in ("registrar", "leader"),
        "export_params": export_params(request),
        "export_note": cap_note(),
    }
    return render(request, "students/search.html", context)


def _photo_data_uri(student) -> str | None:
    # Photos are small (under 60 KB) and private: inlined, they need no public URL and no second audited read.
    if not student.photo:
        return None
    try:
        with student.photo.open("rb") as fh:
            return "data:image/jpeg;base64," + base64.b64encode(fh.read()).decode()
    except (FileNotFoundError, OSError):
        return None


def _change_text(name: str, value) -> str:
    return registry_value_text(name, value) or record_form.change_text(name, value)


def _change_rows(event) -> list[dict]:
    rows = []
    for name, pair in sorted((event.changes or {}).items()):
        if name == "family":
            rows.append({"label": change_label(name), "old": "", "new": "已更新"})
        elif isinstance(pair, list):  # [before, after]: a change
            old, new = (pair + [None, None])[:2]
            rows.append({"label": change_label(name), "old": _change_text(name, old),
                         "new": _change_text(name, new)})
        else:  # a fact the step recorded (the batch, a merge's record): the value alone, no arrow
            rows.append({"label": change_label(name), "old": "", "new": _change_text(name, pair)})
    return rows


def _events(student) -> list[dict]:
    events = student.events.select_related("actor", "school").order_by("-at", "-id")
    return [{"event": e, "changes": _change_rows(e)} for e in events]


def _detail_context(request, student, **extra) -> dict:
    user = request.user
    return {
        "student": student,
        "sections": record_form.view_sections(student),
        "family": record_form.view_family(student),
        "events": _events(student),
        "enrolments": student.enrolments.select_related("school", "school_class").order_by("-started_on", "-id"),
        "numbers": student.numbers.order_by("-issued_at"),
        "photo_uri": _photo_data_uri(student),
        "can_edit": StudentPolicy.user_can(user, "edit", student),
        "can_unmask": StudentPolicy.user_can(user, "unmask", student),
        "crumbs": org_crumbs(user, school=student.school, school_class=student.school_class, tail=student.name),
        **extra,
    }


@page
def detail_page(request, key: str):
    student = find_student(request.user, key)
    return render(request, "students/detail.html", _detail_context(request, student))


@page
@require_POST
def reveal_id(request, key: str):
    """Show the whole ID number, and the student number that contains it, once the user has written why
    (第四十四条); the service audits the reason."""
    student = find_student(request.user, key, purpose="unmask_id", audit_read=False)
    context = {"reason": request.POST.get("reason", "")}
    status = 200
    try:
        revealed = reveal_identity(request.user, student, request.POST.get("reason", ""))
        context["revealed_id"], context["revealed_number"] = revealed["id_number"], revealed["student_number"]
    except RuleViolation as exc:
        context["reveal_errors"] = form_errors(exc)[1]
        # htmx swaps only 2xx answers; a plain form post gets the honest status.
        status = 200 if is_htmx(request) else exc.status
    if is_htmx(request):
        # oob: the page head's student number is swapped in place too, so both numbers show together.
        fragment = {"student": student, "can_unmask": True, "oob": True, **context}
        return render(request, "students/_id_reveal.html", fragment, status=status)
    return render(request, "students/detail.html", _detail_context(request, student, **context), status=status)


def _classes(school):
    return SchoolClass.objects.filter(school=school).order_by("grade", "name")


def _form_context(request, student, school, values, errors, error_list, *, allow_controlled: bool,
                  reveal: bool = False) -> dict:
    classes = _classes(school)
    # What the policy still lets the school correct on a record not yet registered (the grade).
    unlocked = () if student is None or student.student_number else EDITABLE_BEFORE_REGISTRATION
    return {
        "student": student,
        "school": school,
        "sections": record_form.form_sections(values, errors, school=school, classes=classes,
                                              allow_controlled=allow_controlled, unlocked=unlocked, reveal=reveal),
        "family": record_form.form_family(values, errors, school=school),
        "errors": errors,
        "error_list": error_list,
        "controlled_note": record_form.CONTROLLED_NOTE,
        "class_reason": request.POST.get("class_reason", ""),
    }


@page
@require_http_methods(["GET", "POST"])
def edit_page(request, key: str):
    user = request.user
    student = find_student(user, key)
    require(StudentPolicy.user_can(user, "edit", student), "只有学生所在学校的学籍管理员可以修改学生信息")
    initial = record_form.initial_values(student)
    revealed = _edit_reveal(request, user, student)
    # The ID numbers show masked (a new one is typed over the mask) unless the registrar gave a reason.
    shown = initial if revealed else record_form.masked_family_ids(initial)
    values, errors, error_list, status = shown, {}, [], 200
    if request.method == "POST":
        typed = record_form.posted_values(request.POST)
        posted = record_form.unmasked_family_ids(typed, initial)
        patch = record_form.raw_patch(posted, initial)
        if not patch:
            messages.info(request, "没有修改任何内容。")
            return redirect("web:students:detail", key=student.key)
        try:
            update_student(user, student, patch)
        except (RuleViolation, Conflict) as exc:
            errors, error_list = form_errors(exc)
            values, status = shown | typed, exc.status
        else:
            changed = "、".join(change_label(k) for k in patch)
            messages.success(request, f"已保存修改:{changed}。")
            return redirect("web:students:detail", key=student.key)
    context = _form_context(request, student, student.school, values, errors, error_list, allow_controlled=False,
                            reveal=bool(revealed))
    context["crumbs"] = org_crumbs(user, school=student.school, school_class=student.school_class, tail="修改信息")
    context |= {"revealed": revealed, "reveal_reason": request.GET.get("reason", "")}
    return render(request, "students/edit.html", context, status=status)


def _edit_reveal(request, user, student) -> str:
    """The reason the registrar gave to see the whole ID numbers on the form (?reason=, audited by the service
    as on the record page, 第四十四条); "" when none. A posted form keeps what it showed."""
    reason = (request.GET.get("reason") or "").strip()
    if not reason or request.method != "GET":
        return ""
    try:
        reveal_id_number(user, student, reason)
    except RuleViolation as exc:
        messages.error(request, exc.message)
        return ""
    return reason


@page
@require_POST
def photo_upload(request, key: str):
    student = find_student(request.user, key, purpose="photo", audit_read=False)
    upload = request.FILES.get("photo")
    if upload is None:
        messages.error(request, "请选择照片文件(JPG格式)。")
        return redirect("web:students:edit", key=student.key)
    try:
        set_photo(request.user, student, upload)
    except RuleViolation as exc:
        messages.error(request, form_errors(exc)[1][0])
        return redirect("web:students:edit", key=student.key)
    messages.success(request, "照片已更新。")
    return redirect("web:students:detail", key=student.key)


@page
@require_http_methods(["GET", "POST"])
def create_page(request):
    user = request.user
    school = user.school
    require(school is not None and StudentPolicy.can_create_at(user, school), "只有学校学籍管理员可以新建学生")
    values, errors, error_list, status = dict(NEW_RECORD_DEFAULTS), {}, [], 200
    if request.method == "POST":
        values = record_form.posted_values(request.POST)
        try:
            student = create_student(user, school, record_form.raw_record(values),
                                     class_reason=request.POST.get("class_reason", "").strip())
        except (RuleViolation, Conflict) as exc:
            errors, error_list = form_errors(exc)
            status = exc.status
        else:
            messages.success(request, f"已新建学生“{student.name}”,学籍状态为待注册。")
            return redirect("web:students:detail", key=student.key)
    context = _form_context(request, None, school, values, errors, error_list, allow_controlled=True)
    context["crumbs"] = org_crumbs(user, school=school, tail="新建学生")
    return render(request, "students/create.html", context, status=status)
