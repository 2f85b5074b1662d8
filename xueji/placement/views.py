"""Placement pages (编班, 第十三条): the list of plans and the authority's review queue, a school's classes by
grade with the forms to form classes and start a plan, one plan with its balance table and hand adjustments,
and placing a late student. The views read the form and call the same services as the JSON API."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from xueji.audit import services as audit
from xueji.core.errors import Conflict, RuleViolation
from xueji.core.inputs import parse_id
from xueji.orgs import selectors as org_selectors
from xueji.orgs.models import Campus, School, SchoolClass
from xueji.orgs.permissions import ClassPolicy, SchoolPolicy
from xueji.policy.fields import GRADE_LABELS
from xueji.students.permissions import StudentPolicy
from xueji.web.pages import form_errors, org_crumbs, page, paginate, require, visible_or_404

from . import selectors, services
from .models import PlacementPlan
from .permissions import PlanPolicy

REFUSALS = (RuleViolation, Conflict)


def _int(text) -> int | None:
    return parse_id(text)


@page
def index(request):
    """Registrars see their school's plans; officers see what awaits their approval, then everything visible."""
    user = request.user
    require(user.role != "auditor", "审计员不参与编班")
    awaiting = list(selectors.plans_for(user, awaiting_me=True)) if user.role in ("county", "city") else []
    page_obj = paginate(request, selectors.plans_for(user).order_by("-created_at", "-id"))
    context = {
        "awaiting": awaiting,
        "page_obj": page_obj,
        "plans": page_obj.object_list,
        "school": user.school if user.role in ("registrar", "leader") else None,
        "show_school": user.role not in ("registrar", "leader"),
        "crumbs": [{"label": "编班审核" if user.role in ("county", "city", "province") else "编班", "url": None}],
    }
    return render(request, "placement/index.html", context)


def _grade_rows(user, school: School, entry_year: int | None) -> list[dict]:
    """Per grade: its classes with their loads, and how many students still wait for a class."""
    classes = list(org_selectors.classes_of(user, school))
    loads = selectors.class_loads([c.pk for c in classes])
    rows = []
    for grade in school.grades:
        mine = sorted((c for c in classes if c.grade == grade and (not entry_year or c.entry_year == entry_year)),
                      key=selectors.class_sort_key)
        unplaced = selectors.unplaced_students(school, grade).count()
        if not mine and not unplaced:
            continue
        rows.append({"grade": grade, "label": GRADE_LABELS.get(grade, grade), "unplaced": unplaced,
                     "classes": [_class_row(c, loads[c.pk]) for c in mine],
                     "entry_years": sorted({c.entry_year for c in mine}, reverse=True)})
    return rows


def _class_row(school_class: SchoolClass, load) -> dict:
    normal, hard = school_class.caps
    level = "over" if load.counted > hard else "near" if load.counted > normal else "ok"
    return {"cls": school_class, "load": load, "normal": normal, "hard": hard, "level": level}


def _school_context(request, school: School, **extra) -> dict:
    user = request.user
    entry_year = _int(request.GET.get("entry_year"))
    return {
        "school": school,
        "grades": _grade_rows(user, school, entry_year),
        "grade_choices": [(g, GRADE_LABELS.get(g, g)) for g in school.grades],
        "campuses": school.campuses.all(),
        "can_form": SchoolPolicy.user_can(user, "manage_classes", school),
        "can_plan": PlanPolicy.can_create_at(user, school),
        "plans": selectors.plans_for(user, school=school.code).order_by("-created_at", "-id")[:50],
        "crumbs": org_crumbs(user, school=school, tail="编班"),
        "form": {}, "errors": {}, "error_list": [],
        **extra,
    }


@page
def school_page(request, code: str):
    school = org_selectors.find_school(request.user, code, purpose="placement")
    return render(request, "placement/school.html", _school_context(request, school))


@page
@require_POST
def form_classes(request, code: str):
    school = org_selectors.find_school(request.user, code, purpose="form_classes")
    form = request.POST
    campus_id = _int(form.get("campus"))
    try:
        created = services.form_classes(
            request.user, school, grade=_int(form.get("grade")) or 0, entry_year=_int(form.get("entry_year")) or 0,
            count=_int(form.get("count")) or 0, start=_int(form.get("start")),
            campus=Campus.objects.filter(pk=campus_id, school=school).first() if campus_id else None)
    except REFUSALS as exc:
        errors, error_list = form_errors(exc)
        context = _school_context(request, school, form=form, errors=errors, error_list=error_list)
        return render(request, "placement/school.html", context, status=exc.status)
    messages.success(request, f"已建立{len(created)}个班:{'、'.join(c.name for c in created)}")
    return redirect("web:placement:school", code=school.code)


@page
@require_POST
def create_plan(request, code: str):
    school = org_selectors.find_school(request.user, code, purpose="placement")
    form = request.POST
    try:
        plan = services.create_plan(request.user, school, grade=_int(form.get("grade")) or 0,
                                    entry_year=_int(form.get("entry_year")) or 0,
                                    mode=form.get("mode", "manual"), reason=form.get("reason", ""))
    except REFUSALS as exc:
        errors, error_list = form_errors(exc)
        context = _school_context(request, school, plan_form=form, plan_errors=error_list)
        return render(request, "placement/school.html", context, status=exc.status)
    messages.success(request, "已生成编班方案草稿,请核对各班均衡情况后报送审核")
    return redirect("web:placement:plan", pk=plan.pk)


def _plan_context(request, plan: PlacementPlan, **extra) -> dict:
    user = request.user
    table = selectors.plan_table(plan)
    items = list(selectors.plan_items(plan))
    by_class = {row["cls"].pk: [] for row in table["rows"]}
    for item in items:
        by_class.setdefault(item.school_class_id, []).append(item)
    editable = plan.status == PlacementPlan.Status.DRAFT and PlanPolicy.user_can(user, "edit", plan)
    unplaced = list(selectors.unplaced_students(plan.school, plan.grade)[:500]) if editable else []
    return {
        "plan": plan,
        "table": table,
        "groups": [{"row": row, "items": by_class.get(row["cls"].pk, [])} for row in table["rows"]],
        "item_count": len(items),
        "unplaced": unplaced,
        "editable": editable,
        "can_cancel": plan.is_open and PlanPolicy.user_can(user, "edit", plan),
        "can_decide": plan.status == PlacementPlan.Status.SUBMITTED and PlanPolicy.user_can(user, "decide", plan),
        "authority": plan.authority or plan.school.authority_for(plan.grade),
        "crumbs": org_crumbs(user, school=plan.school, tail=f"编班方案#{plan.pk}"),
        "error_list": [],
        **extra,
    }


@page
def plan_page(request, pk: int):
    plan = selectors.find_plan(request.user, pk)
    audit.record(request.user, "placement.view", obj=plan)
    return render(request, "placement/plan.html", _plan_context(request, plan))


def _students_from(request, plan: PlacementPlan):
    ids = {i for i in (_int(v) for v in request.POST.getlist("students")) if i}
    students = list(StudentPolicy.visible_to(request.user).filter(pk__in=ids))
    visible_or_404(len(students) == len(ids), "所选学生不存在,或不在您的管辖范围内", action="placement.students",
                   object_type="student", object_id=",".join(str(i) for i in sorted(ids - {s.pk for s in students})))
    return students


def _target_class(request) -> SchoolClass | None:
    school_class = SchoolClass.objects.filter(pk=_int(request.POST.get("class_id")) or 0).first()
    if school_class is not None:
        visible_or_404(ClassPolicy.user_can(request.user, "view", school_class), "未找到该班级",
                       action="placement.class", object_type="schoolclass", object_id=school_class.pk)
    return school_class


def _act(request, pk: int, action, success: str, purpose: str):
    """Run one plan action from a form; a refusal re-renders the plan with its reasons and the service's status."""
    plan = selectors.find_plan(request.user, pk, purpose=purpose)
    try:
        plan = action(plan)
    except REFUSALS as exc:
        plan = selectors.find_plan(request.user, pk)
        context = _plan_context(request, plan, error_list=form_errors(exc)[1], form=request.POST)
        return render(request, "placement/plan.html", context, status=exc.status)
    messages.success(request, success)
    return redirect("web:placement:plan", pk=plan.pk)


@page
@require_POST
def plan_place(request, pk: int):
    def action(plan):
        students, school_class = _students_from(request, plan), _target_class(request)
        if school_class is None:
            raise RuleViolation("请选择要编入的班级")
        return services.place(request.user, plan, students, school_class)

    return _act(request, pk, action, "已调整", "place")


@page
@require_POST
def plan_unplace(request, pk: int):
    return _act(request, pk, lambda plan: services.unplace(request.user, plan, _students_from(request, plan)),
                "已移出方案", "unplace")


@page
@require_POST
def plan_auto(request, pk: int):
    return _act(request, pk, lambda plan: services.auto_place(request.user, plan), "已均衡编入未编班的学生", "auto")


@page
@require_POST
def plan_submit(request, pk: int):
    return _act(request, pk, lambda plan: services.submit(request.user, plan, reason=request.POST.get("reason", "")),
                "已报送学籍主管部门审核", "submit")


@page
@require_POST
def plan_approve(request, pk: int):
    return _act(request, pk, lambda plan: services.approve(request.user, plan, comment=request.POST.get("comment", "")),
                "已审核通过,学生已编入各班", "approve")


@page
@require_POST
def plan_reject(request, pk: int):
    return _act(request, pk, lambda plan: services.reject(request.user, plan, comment=request.POST.get("comment", "")),
                "已驳回", "reject")


@page
@require_POST
def plan_cancel(request, pk: int):
    return _act(request, pk, lambda plan: services.cancel(request.user, plan), "已撤回", "cancel")


def _find_class(request, pk: int) -> SchoolClass:
    school_class = SchoolClass.objects.select_related("school").filter(pk=pk).first()
    if school_class is None or not ClassPolicy.user_can(request.user, "view", school_class):
        visible_or_404(False, "未找到该班级,或其不在您的管辖范围内", actor=request.user, action="placement.class",
                       object_type="schoolclass", object_id=pk)
    return school_class


@page
@require_http_methods(["GET", "POST"])
def place_student(request, pk: int):
    """A late student into an existing class: a plan of one, sent for approval at once."""
    school_class = _find_class(request, pk)
    require(PlanPolicy.can_create_at(request.user, school_class.school), "只有本校学籍管理员可以办理插班编班")
    loads = selectors.class_loads([school_class.pk])
    context = {"cls": school_class, "school": school_class.school, "load": loads[school_class.pk],
               "caps": school_class.caps, "form": {}, "error_list": [],
               "candidates": selectors.unplaced_students(school_class.school, school_class.grade)[:500],
               "crumbs": org_crumbs(request.user, school=school_class.school, school_class=school_class,
                                    tail="插班编入")}
    if request.method == "POST":
        student = StudentPolicy.visible_to(request.user).filter(pk=_int(request.POST.get("student")) or 0).first()
        visible_or_404(student is not None, "未找到该学生,或其不在您的管辖范围内", action="placement.student",
                       object_type="student", object_id=request.POST.get("student", ""))
        try:
            plan = services.place_student(request.user, student, school_class, reason=request.POST.get("reason", ""))
        except REFUSALS as exc:
            context.update(form=request.POST, error_list=form_errors(exc)[1])
            return render(request, "placement/place_student.html", context, status=exc.status)
        messages.success(request, f"已报送审核:{student.name}编入{school_class.name},审核通过后生效")
        return redirect("web:placement:plan", pk=plan.pk)
    return render(request, "placement/place_student.html", context)
