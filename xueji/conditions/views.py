"""Pages of the graduation conditions (第三十五条): a school's class list with each student's unmet conditions,
one student's record with its form, and the spreadsheet import. They call the same services as the API."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from xueji.core.errors import NotFound, RuleViolation
from xueji.core.inputs import FIRST_YEAR, LAST_YEAR, parse_int
from xueji.orgs.models import SchoolClass
from xueji.orgs.selectors import find_school
from xueji.policy import graduation_conditions as rules
from xueji.policy.province import SENIOR, get_policy
from xueji.students.models import Student
from xueji.web.pages import form_errors, org_crumbs, page, paginate
from xueji.workdays.services import school_year_of

from . import importer, selectors, services
from .api import template_response
from .permissions import ConditionsPolicy

LISTED_STATUSES = ("在籍", "休学")


def _school_year(value) -> int:
    return parse_int(value, FIRST_YEAR, LAST_YEAR) or school_year_of(timezone.localdate())


def _school(request, code: str):
    school = find_school(request.user, code, purpose="graduation_conditions")
    if not ConditionsPolicy.school_can(request.user, "view", school):
        raise NotFound("未找到该学校,或该学校不在您的管辖范围内", actor=request.user,
                       action="school.graduation_conditions", object_type="school", object_id=code)
    return school


def senior_grades(school) -> list[int]:
    policy = get_policy()
    return [g for g in school.grades if policy.stage_of_grade(g) == SENIOR]


@page
def school_list(request, code: str):
    school = _school(request, code)
    grades = senior_grades(school)
    grade = parse_int(request.GET.get("grade"), 1, 12) or (grades[-1] if grades else None)
    year = _school_year(request.GET.get("year"))
    classes = SchoolClass.objects.filter(school=school, grade=grade).order_by("name") if grade in grades else []
    class_id = parse_int(request.GET.get("class"), 1, 2**62)
    students = Student.objects.none()
    if grade in grades:
        students = Student.objects.filter(school=school, grade=grade, status__in=LISTED_STATUSES)
        if class_id:
            students = students.filter(school_class_id=class_id)
        students = students.select_related("school_class").order_by("school_class__name", "seat_number", "name", "pk")
    page_obj = paginate(request, students, per_page=50)
    found = selectors.summaries([s.pk for s in page_obj], year)
    rows = [{"student": s, "summary": found[s.pk], "unmet": rules.unmet_conditions(found[s.pk])} for s in page_obj]
    return render(request, "conditions/school_list.html", {
        "school": school, "grades": grades, "grade": grade, "year": year, "classes": classes, "class_id": class_id,
        "rows": rows, "page_obj": page_obj, "required": selectors.required(),
        "may_edit": ConditionsPolicy.school_can(request.user, "edit", school),
        "crumbs": org_crumbs(request.user, school=school, tail="毕业条件"),
    })


def _form_raw(post) -> dict:
    raw = {name: post.get(name, "") for name in services.VALUE_FIELDS}
    exams = []
    for subject in get_policy().exam_subjects:
        grade = (post.get(f"grade_{subject}") or "").strip()
        if grade:
            attempt = parse_int(post.get(f"attempt_{subject}"), 1, rules.ATTEMPTS_MAX) or 0
            exams.append({"subject": subject, "grade": grade, "attempt": attempt})
    raw["exams"] = exams
    return raw


@page
def student_page(request, key: str):
    student = selectors.find_for_conditions(request.user, key, audit_read=request.method == "GET")
    may_edit = ConditionsPolicy.user_can(request.user, "edit", student)
    year = _school_year(request.POST.get("school_year") or request.GET.get("year"))
    errors, error_list = {}, []
    if request.method == "POST":
        try:
            services.save_conditions(request.user, student, year, _form_raw(request.POST))
        except RuleViolation as exc:
            errors, error_list = form_errors(exc)
        else:
            messages.success(request, f"已保存{year}–{year + 1}学年的毕业条件。")
            return redirect(reverse("web:conditions:student", args=[student.key]) + f"?year={year}")
    data = selectors.overview(student, year)
    current = next((y for y in data["years"] if y["school_year"] == year and y["current"]), {})
    return render(request, "conditions/student.html", {
        "student": student, "data": data, "year": year, "current": current, "may_edit": may_edit,
        "refusals": services.refusals_for(student), "errors": errors, "error_list": error_list,
        "policy": get_policy(), "post": request.POST if error_list else None,
        "crumbs": org_crumbs(request.user, school=student.school, tail=f"{student.name} · 毕业条件"),
    })


@page
def import_page(request, code: str):
    school = _school(request, code)
    year = _school_year(request.POST.get("school_year") or request.GET.get("year"))
    context = {"school": school, "year": year, "columns": importer.columns(),
               "crumbs": org_crumbs(request.user, school=school, tail="导入毕业条件")}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise importer.RowErrors([importer.RowError(0, "", "file_missing", "请选择要上传的文件")])
            result = services.import_upload(request.user, school, year, upload)
        except importer.RowErrors as exc:
            context["row_errors"] = exc.rows
            return render(request, "conditions/import.html", context, status=422)
        messages.success(request, f"已导入{result.rows_total}行:写入{result.students}条学年记录、{result.sittings}条考试成绩。")
        return redirect(reverse("web:conditions:school", args=[school.pk]) + f"?year={year}")
    services.may_import(request.user, school)
    return render(request, "conditions/import.html", context)


@page
def template_download(request):
    return template_response()
