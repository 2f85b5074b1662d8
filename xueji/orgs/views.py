"""Pages of the org tree: a division with what lies under it, a school with its classes, a class with its students."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xueji.audit.exports import cap_note, export_params
from xueji.core.errors import Conflict, RuleViolation
from xueji.core.inputs import MAX_ID, is_digits, parse_int
from xueji.policy.fields import GRADE_LABELS
from xueji.students.exports import export_students
from xueji.students.selectors import audit_search, search_students
from xueji.web import summaries
from xueji.web.pages import download_or_back, form_errors, org_crumbs, page, visible_or_404, wants_xlsx

from . import selectors, services
from .models import Campus, School
from .permissions import SchoolPolicy


@page
def division_page(request, code: str):
    visible_or_404(len(code) == 6 and is_digits(code), "未找到该行政区划",
                   action="org.view", object_type="division", object_id=code)
    division = selectors.find_org(request.user, code)
    context = {
        "division": division,
        "children": summaries.child_divisions(request.user, division),
        "schools": summaries.schools_under(request.user, division),
        "crumbs": org_crumbs(request.user, division=division),
    }
    return render(request, "orgs/division.html", context)


def _class_rows(user, school: School) -> list[dict]:
    """Each class with its size against the caps of 第十三条, so an over-full class stands out."""
    rows = []
    for c in summaries.classes_of(user, school):
        normal, hard = c.caps
        level = "over" if c.size > hard else "near" if c.size > normal else "ok"
        rows.append({"cls": c, "size": c.size, "normal": normal, "hard": hard, "level": level})
    return rows


def _authorities(school: School) -> list[str]:
    """Who approves this school's applications, by stage (第三条): e.g. 小店区 for 初中, 太原市 for 高中."""
    found: dict[str, list[str]] = {}
    for grade in school.grades:
        found.setdefault(school.authority_for(grade).name, []).append(GRADE_LABELS.get(grade, str(grade)))
    return [f"{name}({grades[0]}–{grades[-1]})" if len(found) > 1 else name for name, grades in found.items()]


def _school_context(request, school: School, **extra) -> dict:
    user = request.user
    return {
        "school": school,
        "campuses": school.campuses.all(),
        "classes": _class_rows(user, school),
        "table": summaries.school_grade_table(user, school),
        "can_manage_classes": SchoolPolicy.user_can(user, "manage_classes", school),
        "grade_choices": [(g, GRADE_LABELS.get(g, g)) for g in school.grades],
        "authorities": _authorities(school),
        "crumbs": org_crumbs(user, school=school),
        "form": {}, "errors": {}, "error_list": [],
        **extra,
    }


@page
def school_page(request, code: str):
    school = selectors.find_school(request.user, code)
    return render(request, "orgs/school.html", _school_context(request, school))


def _int_or_none(text: str | None) -> int | None:
    return parse_int(text, 0, MAX_ID)


@page
@require_POST
def create_class_page(request, code: str):
    school = selectors.find_school(request.user, code)
    form = request.POST
    campus_id = _int_or_none(form.get("campus"))
    try:
        school_class = services.create_class(
            request.user, school,
            grade=_int_or_none(form.get("grade")),
            name=form.get("name", ""),
            entry_year=_int_or_none(form.get("entry_year")) or 0,
            campus=Campus.objects.filter(pk=campus_id).first() if campus_id else None,
            head_teacher=form.get("head_teacher", "").strip(),
        )
    except (RuleViolation, Conflict) as exc:
        errors, error_list = form_errors(exc)
        context = _school_context(request, school, form=form, errors=errors, error_list=error_list)
        return render(request, "orgs/school.html", context, status=exc.status)
    messages.success(request, f"已建立班级:{school_class}")
    return redirect("web:orgs:school", code=school.code)


@page
def class_page(request, pk: int):
    school_class = selectors.find_class(request.user, pk)
    if wants_xlsx(request):
        return download_or_back(request, lambda: export_students(request.user, school_class=school_class.pk))
    students = list(search_students(request.user, school_class=school_class.pk))
    audit_search(request.user, "", {"school_class": school_class.pk}, len(students))
    normal, hard = school_class.caps
    context = {
        "cls": school_class,
        "school": school_class.school,
        "students": students,
        "normal": normal,
        "hard": hard,
        "export_params": export_params(request),
        "export_note": cap_note(),
        "crumbs": org_crumbs(request.user, school=school_class.school, school_class=school_class),
    }
    return render(request, "orgs/class.html", context)
