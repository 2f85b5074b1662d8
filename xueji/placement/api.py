"""/api/v1/placement: forming classes, placement plans (balanced or by hand), their approval by the competent
authority, and placing a late student (第十三条). The pages call the same services."""

from datetime import datetime

from ninja import Field, Query, Router, Schema

from xueji.api.common import (
    ErrorItem,
    ObjectId,
    Page,
    PageNumber,
    PageSize,
    Text,
    Year,
    errors,
    paginate,
)
from xueji.audit import services as audit
from xueji.core.errors import NotFound, RuleViolation
from xueji.orgs.api import ClassOut, class_json
from xueji.orgs.models import Campus, SchoolClass
from xueji.orgs.permissions import ClassPolicy
from xueji.orgs.selectors import find_school
from xueji.policy.fields import parse_grade
from xueji.policy.violations import Violation
from xueji.students.schemas import StudentSummaryOut, summary_json
from xueji.students.selectors import audit_search, find_student

from . import selectors, services
from .models import PlacementPlan

router = Router(tags=["编班"])

CLASS_FIELD = "班级ID(见 GET /api/v1/schools/{school_code}/classes)"


class FormClassesIn(Schema):
    grade: Text = Field(description="年级:1–12,或“一年级”“初一”“高一”等名称")
    entry_year: Year = Field(description="入学年份,四位数字")
    count: int = Field(description="建立几个班(1–40),依次命名为“1班”“2班”……")
    start: int | None = Field(None, description="起始班号;不填则接着本届已有的最大班号")
    campus: ObjectId | None = Field(None, description="校区ID;不填为不指定校区")


class ItemIn(Schema):
    student: str = Field(description="学籍号,或尚无学籍号时的学籍档案ID")
    class_id: ObjectId = Field(description=CLASS_FIELD)


class PlanIn(Schema):
    school: str = Field(description="学校标识码")
    grade: Text = Field(description="年级:1–12 或名称")
    entry_year: Year = Field(description="入学年份(与班级的入学年份一致)")
    mode: str = Field("manual", description="auto:均衡编班,把本年级未编班的学生均衡分入各班;manual:手工编班")
    classes: list[ObjectId] = Field([], description="均衡编班参与的班级ID;不填为本年级本届的全部班级")
    items: list[ItemIn] = Field([], description="手工编班:逐个学生指定班级")
    reason: str = Field("", description="超出常规班额的理由(第十三条);报送时也可填写")


class PlaceIn(Schema):
    students: list[str] = Field(description="学籍号或档案ID的列表")
    class_id: ObjectId = Field(description=CLASS_FIELD)


class StudentsIn(Schema):
    students: list[str] = Field(description="学籍号或档案ID的列表")


class AutoIn(Schema):
    classes: list[ObjectId] = Field([], description="参与均衡编班的班级ID;不填为本年级本届的全部班级")


class SubmitIn(Schema):
    reason: str = Field("", description="有班级超出常规班额时必填:超出的理由,供审核部门查看(第十三条)")


class DecisionIn(Schema):
    comment: str = Field("", description="审核意见;驳回时必填,说明学校应如何调整")


class PlaceStudentIn(Schema):
    student: str = Field(description="学籍号或档案ID")
    class_id: ObjectId = Field(description=CLASS_FIELD)
    reason: str = Field("", description="编入后超出常规班额时必填(第十三条)")


class ClassStatOut(Schema):
    id: int = Field(description="班级ID")
    name: str = Field(description="班级名称")
    normal_cap: int = Field(description="常规班额(第十三条),超出须写明理由;与上限相同时(如高一50人)不能以理由超出")
    hard_cap: int = Field(description="班额上限(第十三条),不得超出")
    seated: int = Field(description="目前在班学生数")
    leaving: int = Field(description="本方案调出的学生数")
    joining: int = Field(description="本方案编入的学生数")
    reserved: int = Field(description="其他待审核或编制中的方案已占用的名额")
    size_after: int = Field(description="本方案生效后的班额")
    counted: int = Field(description="按第十三条核算的人数(含其他方案已占名额)")
    level: str = Field(description="ok:未超常规班额;near:超过常规班额;over:超过上限")
    boys: int = Field(description="男生")
    girls: int = Field(description="女生")
    migrant: int = Field(description="进城务工人员随迁子女")
    left_behind: int = Field(description="留守儿童")
    inclusive: int = Field(description="随班就读")
    minority: int = Field(description="少数民族")
    average_birth: str = Field(description="平均出生年月")
    errors: list[ErrorItem] = Field(description="第十三条的问题(超出上限,或超出常规班额而未填理由)")


class ItemOut(Schema):
    student: str = Field(description="学生键:J、L 字头学籍号,否则为档案ID(G字头学籍号含身份证件号,不作键输出;输入时仍接受完整学籍号)")
    student_id: int = Field(description="学籍档案ID")
    name: str = Field(description="姓名")
    gender: str = Field(description="性别代码")
    class_id: int = Field(description="编入班级ID")
    class_name: str = Field(description="编入班级名称")
    from_class_id: int | None = Field(None, description="原班级ID;未编班为 null")
    from_class_name: str | None = Field(None, description="原班级名称")


class PlanSummaryOut(Schema):
    id: int = Field(description="编班方案ID")
    school: str = Field(description="学校标识码")
    school_name: str = Field(description="学校名称")
    grade: int = Field(description="年级 1–12")
    grade_label: str = Field(description="年级名称")
    entry_year: int = Field(description="入学年份")
    mode: str = Field(description="auto 均衡编班 / manual 手工编班")
    status: str = Field(description="draft 草稿、submitted 待审核、approved 已通过、rejected 已驳回、cancelled 已撤回")
    status_label: str = Field(description="状态名称")
    reason: str = Field(description="超出常规班额的理由")
    authority: str | None = Field(None, description="审核部门的行政区划代码(第三条)")
    authority_name: str | None = Field(None, description="审核部门名称")
    created_by: str = Field(description="编制人")
    created_at: datetime = Field(description="编制时间")
    submitted_at: datetime | None = Field(None, description="报送时间")
    decided_by: str | None = Field(None, description="审核人")
    decided_at: datetime | None = Field(None, description="审核时间")
    comment: str = Field(description="审核意见")


class TotalsOut(Schema):
    size: int
    boys: int
    girls: int
    migrant: int
    left_behind: int
    inclusive: int
    minority: int
    average_birth: str


class PlanOut(PlanSummaryOut):
    classes: list[ClassStatOut] = Field(description="各班均衡情况与班额(第十三条)")
    totals: TotalsOut = Field(description="本年级合计")
    items: list[ItemOut] = Field(description="本方案编入的学生")
    unplaced: int = Field(description="本年级尚未编班、也不在任何方案中的学生数")


def plan_summary(plan: PlacementPlan) -> dict:
    return {
        "id": plan.pk, "school": plan.school_id, "school_name": plan.school.name, "grade": plan.grade,
        "grade_label": plan.grade_label, "entry_year": plan.entry_year, "mode": plan.mode, "status": plan.status,
        "status_label": plan.get_status_display(), "reason": plan.reason, "authority": plan.authority_id,
        "authority_name": plan.authority.name if plan.authority else None,
        "created_by": plan.created_by.username, "created_at": plan.created_at, "submitted_at": plan.submitted_at,
        "decided_by": plan.decided_by.username if plan.decided_by else None, "decided_at": plan.decided_at,
        "comment": plan.comment,
    }


def _class_stat(row: dict) -> dict:
    load = row["load"]
    return {
        "id": row["cls"].pk, "name": row["cls"].name, "normal_cap": row["normal"], "hard_cap": row["hard"],
        "seated": load.seated, "leaving": load.leaving, "joining": load.joining, "reserved": load.reserved,
        "size_after": load.after, "counted": load.counted, "level": row["level"],
        **{k: row[k] for k in ("boys", "girls", "migrant", "left_behind", "inclusive", "minority", "average_birth")},
        "errors": [{"code": v.code, "article": v.article, "field": v.field, "message": v.message}
                   for v in row["violations"]],
    }


def plan_json(plan: PlacementPlan) -> dict:
    plan = PlacementPlan.objects.select_related("school", "authority", "created_by", "decided_by").get(pk=plan.pk)
    table = selectors.plan_table(plan)
    items = [{
        "student": i.student.key, "student_id": i.student_id, "name": i.student.name, "gender": i.student.gender,
        "class_id": i.school_class_id, "class_name": i.school_class.name, "from_class_id": i.from_class_id,
        "from_class_name": i.from_class.name if i.from_class else None,
    } for i in selectors.plan_items(plan)]
    return {**plan_summary(plan), "classes": [_class_stat(r) for r in table["rows"]], "totals": table["total"],
            "items": items, "unplaced": selectors.unplaced_students(plan.school, plan.grade).count()}


def _students(user, keys: list[str]):
    # Each through find_student: an outsider's key answers 404 and the attempt is logged.
    return [find_student(user, key, purpose="placement", audit_read=False) for key in keys]


def _class(user, pk: int) -> SchoolClass:
    school_class = SchoolClass.objects.select_related("school").filter(pk=pk).first()
    if school_class is None or not ClassPolicy.user_can(user, "view", school_class):
        raise NotFound(Violation(code="not_found", field="class_id", message="未找到该班级,或其不在您的管辖范围内"),
                       actor=user, action="placement.class", object_type="schoolclass", object_id=str(pk))
    return school_class


def _grade(text) -> int:
    grade = parse_grade(text)
    if not grade:
        raise RuleViolation(Violation(code="invalid_grade", field="grade", message="年级须为1–12或“一年级”“初一”等名称"))
    return grade


@router.post("/schools/{school_code}/classes", response={201: list[ClassOut], **errors(400, 401, 403, 404, 409, 422)},
             summary="成批建立班级")
def form_classes(request, school_code: str, payload: FormClassesIn):
    """一次建立一个年级的若干个班,依次命名为“N班”;全部成功或全部不建。"""
    school = find_school(request.user, school_code, purpose="form_classes")
    campus = None
    if payload.campus is not None:
        campus = Campus.objects.filter(pk=payload.campus, school=school).first()
        if campus is None:
            raise RuleViolation(Violation(code="unknown_campus", field="campus", message="所选校区不属于本校,请重新选择或留空"))
    created = services.form_classes(request.user, school, grade=_grade(payload.grade), entry_year=payload.entry_year,
                                    count=payload.count, start=payload.start, campus=campus)
    return 201, [class_json(c) for c in created]


@router.get("/schools/{school_code}/unplaced", response={200: list[StudentSummaryOut], **errors(401, 404)},
            by_alias=True, summary="尚未编班的学生")
def unplaced(request, school_code: str, grade: int = Query(..., ge=1, le=12, description="年级 1–12")):
    """本年级没有班级、也不在任何编班方案中的学生(待注册或在籍)。身份证件号以掩码显示。"""
    school = find_school(request.user, school_code, purpose="unplaced")
    students = list(selectors.unplaced_students(school, grade).select_related("school", "school_class"))
    audit_search(request.user, "", {"school": school.code, "grade": grade, "unplaced": True}, len(students))
    return [summary_json(s) for s in students]


@router.get("/plans", response={200: Page[PlanSummaryOut], **errors(400, 401)}, summary="编班方案列表")
def list_plans(
    request,
    school: str | None = Query(None, description="学校标识码"),
    status: str | None = Query(None, description="draft、submitted、approved、rejected、cancelled"),
    awaiting: str | None = Query(None, description="me:等待我审核的方案"),
    page: PageNumber = 1,
    page_size: PageSize = 50,
):
    qs = selectors.plans_for(request.user, school=school, status=status, awaiting_me=awaiting == "me")
    body, _ = paginate(qs, page, page_size, plan_summary)
    return body


@router.post("/plans", response={201: PlanOut, **errors(400, 401, 403, 404, 409, 422)}, summary="新建编班方案")
def create_plan(request, payload: PlanIn):
    """由本校学籍管理员编制。mode=auto 时把本年级未编班的学生均衡分入各班(性别、随迁子女、留守儿童、
    随班就读、少数民族、出生月份均衡);mode=manual 时按 items 逐个编入。超过班额上限的一律拒绝(第十三条)。"""
    school = find_school(request.user, payload.school, purpose="placement")
    classes = [_class(request.user, pk) for pk in payload.classes]
    items = [(student, _class(request.user, item.class_id))
             for item in payload.items for student in _students(request.user, [item.student])]
    plan = services.create_plan(request.user, school, grade=_grade(payload.grade), entry_year=payload.entry_year,
                                mode=payload.mode, classes=classes, items=items, reason=payload.reason)
    return 201, plan_json(plan)


@router.get("/plans/{plan_id}", response={200: PlanOut, **errors(401, 404)}, summary="一个编班方案及各班均衡情况")
def read_plan(request, plan_id: ObjectId):
    plan = selectors.find_plan(request.user, plan_id)
    audit.record(request.user, "placement.view", obj=plan)
    return plan_json(plan)


@router.post("/plans/{plan_id}/place", response={200: PlanOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="把学生编入(或调入)某班")
def place(request, plan_id: ObjectId, payload: PlaceIn):
    """仅限草稿。编入即占用名额:超过班额上限的拒绝(第十三条);超过常规班额的在报送时须填写理由。"""
    plan = selectors.find_plan(request.user, plan_id, purpose="place")
    school_class = _class(request.user, payload.class_id)
    plan = services.place(request.user, plan, _students(request.user, payload.students), school_class)
    return plan_json(plan)


@router.post("/plans/{plan_id}/unplace", response={200: PlanOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="把学生移出方案")
def unplace(request, plan_id: ObjectId, payload: StudentsIn):
    plan = selectors.find_plan(request.user, plan_id, purpose="unplace")
    plan = services.unplace(request.user, plan, _students(request.user, payload.students))
    return plan_json(plan)


@router.post("/plans/{plan_id}/auto", response={200: PlanOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="均衡编入本年级未编班的学生")
def auto(request, plan_id: ObjectId, payload: AutoIn):
    plan = selectors.find_plan(request.user, plan_id, purpose="auto")
    classes = [_class(request.user, pk) for pk in payload.classes]
    return plan_json(services.auto_place(request.user, plan, classes))


@router.post("/plans/{plan_id}/submit", response={200: PlanOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="报送学籍主管部门审核")
def submit(request, plan_id: ObjectId, payload: SubmitIn):
    """报送给学校的学籍主管部门(义务教育年级为县级,普通高中为市级,第三条)。有班级超过常规班额时须填写理由。"""
    plan = selectors.find_plan(request.user, plan_id, purpose="submit")
    return plan_json(services.submit(request.user, plan, reason=payload.reason))


@router.post("/plans/{plan_id}/approve", response={200: PlanOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="审核通过(学籍主管部门)")
def approve(request, plan_id: ObjectId, payload: DecisionIn):
    """通过后学生即编入各班,每名学生记一条“编班”学籍事件。通过前再次核对班额(第十三条)。"""
    plan = selectors.find_plan(request.user, plan_id, purpose="approve")
    return plan_json(services.approve(request.user, plan, comment=payload.comment))


@router.post("/plans/{plan_id}/reject", response={200: PlanOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="驳回(学籍主管部门,须写理由)")
def reject(request, plan_id: ObjectId, payload: DecisionIn):
    plan = selectors.find_plan(request.user, plan_id, purpose="reject")
    return plan_json(services.reject(request.user, plan, comment=payload.comment))


@router.post("/plans/{plan_id}/cancel", response={200: PlanOut, **errors(400, 401, 403, 404, 409)},
             summary="撤回方案(学校)")
def cancel(request, plan_id: ObjectId):
    plan = selectors.find_plan(request.user, plan_id, purpose="cancel")
    return plan_json(services.cancel(request.user, plan))


@router.post("/place", response={201: PlanOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="插班:把一名学生编入已有班级")
def place_student(request, payload: PlaceStudentIn):
    """编班后到校的学生:生成只含该生的编班方案并立即报送审核,名额当即占用;审核通过后编入。
    超过班额上限的拒绝(第十三条),超过常规班额须填写理由。"""
    student = find_student(request.user, payload.student, purpose="placement", audit_read=False)
    school_class = _class(request.user, payload.class_id)
    plan = services.place_student(request.user, student, school_class, reason=payload.reason)
    return 201, plan_json(plan)


