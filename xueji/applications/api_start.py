"""JSON of status changes beside /api/v1/applications: what may be started for a student and how (the start
forms as data), a student's timeline, and the 督办 lists (overdue steps, expired suspensions, dropouts).

Filing itself is POST /api/v1/applications (api.py) with `type`, `student`, the payload keys below and, for the
proofs, multipart file fields `proof_<kind>`.
"""

from datetime import date, datetime

from ninja import Field, Router, Schema

from xueji.api.common import errors
from xueji.core.errors import Forbidden
from xueji.policy.fields import GRADE_LABELS
from xueji.students.permissions import StudentPolicy
from xueji.students.selectors import find_student

from . import oversight, start_forms
from .timeline import student_timeline

router = Router(tags=["学籍异动:发起、时间线与督办"])


class ChoiceOut(Schema):
    code: str
    label: str


class FieldOut(Schema):
    name: str = Field(description="申请内容中的键名,与 type、student 并列提交")
    label: str = Field(description="中文名称")
    kind: str = Field(description="date(YYYY-MM-DD)、int、select、multi(代码列表)、weeks(教学周序号列表)、text")
    help: str = Field(description="填写说明及依据条款")
    required: bool
    choices: list[ChoiceOut] = Field(description="select、multi 的可选值")


class ReasonOut(Schema):
    code: str
    label: str
    article: str
    proofs: list[str] = Field(description="须提交的材料类型")
    any_of: list[str] = Field(description="至少提交其中一类的材料类型")


class ProofOut(Schema):
    kind: str = Field(description="材料类型代码")
    field: str = Field(description="multipart/form-data 中的文件字段名:proof_<材料类型>")
    label: str = Field(description="材料名称")
    always: bool = Field(description="是否每件申请都须提交")
    any_of: bool = Field(description="属于“至少提交一类”的材料")
    needed_by: list[str] = Field(description="需要该材料的理由(always 为 true 时为空)")


class ChainStepOut(Schema):
    order: int
    label: str
    org: str = Field(description="办理单位代码")
    org_name: str
    role: str
    role_label: str
    working_days: int | None = Field(None, description="时限(工作日)")
    due_date: date | None = Field(None, description="今天提交时第一个环节的到期日;之后的环节自上一环节办结起计算")


class ChainOut(Schema):
    steps: list[ChainStepOut]
    fallback_years: list[int] = Field(description="未录入节假日安排、按周一至周五计算的年份")
    fallback_note: str


class ChangeTypeOut(Schema):
    type: str = Field(description="申请类型代码(POST /api/v1/applications 的 type)")
    label: str
    article: str | None = None
    intro: str = Field(description="适用情形及依据")
    pending: int | None = Field(None, description="已有审批中的同类申请ID;有则不能再提交(409)")
    elsewhere: bool = Field(description="为 true 时不用本表单:由专门页面或接口办理(如受控信息变更、转出)")
    deadline: str = ""
    reason_key: str | None = Field(None, description="理由代码的键名:reason 或 ground;无理由选择时为 null")
    reason_label: str = ""
    reasons: list[ReasonOut] = Field(description="允许的理由(来自政策表)")
    fields: list[FieldOut]
    proofs: list[ProofOut]
    generic_files: bool = Field(description="为 true 时材料不分类型,放在 files 字段中")
    chain: ChainOut | None = None


def _change_type_json(row: dict, student) -> dict:
    if row["elsewhere"]:
        return {**row, "elsewhere": True, "reasons": [], "fields": [], "proofs": [], "generic_files": False}
    return {**start_forms.describe(row["type"], student), "pending": row["pending"], "elsewhere": False}


@router.get("/students/{key}/change-types", response={200: list[ChangeTypeOut], **errors(401, 403, 404)},
            summary="该学生可以发起的学籍异动及其表单")
def change_types(request, key: str):
    """按学生当前学籍状态(异动状态表)列出可以发起的异动:每种的理由、须填写的内容、须上传的材料
    (multipart 文件字段 proof_<材料类型>)、审批流程与期限。只有学生所在学校的学籍管理员可以发起,其他角色 403。"""
    user = request.user
    student = find_student(user, key, purpose="changes")
    if not StudentPolicy.user_can(user, "edit", student):
        raise Forbidden("学籍异动由学生所在学校的学籍管理员发起")
    return [_change_type_json(row, student) for row in start_forms.applicable(student)]


# ---------------------------------------------------------------- timeline


class TimelineStepOut(Schema):
    order: int
    label: str
    org: str
    org_name: str
    role: str
    role_label: str
    status: str = Field(description="waiting、pending、approved、rejected、cancelled")
    status_label: str
    working_days: int | None = None
    due_date: date | None = Field(None, description="本环节到期日")
    overdue: bool
    decider: str | None = Field(None, description="办理人账号")
    decider_name: str | None = None
    comment: str = Field(description="办理意见")
    decided_at: datetime | None = None


class TimelineApplicationOut(Schema):
    id: int
    type: str
    type_label: str
    status: str
    status_label: str
    due_date: date | None = None
    reason: str = ""
    link: bool = Field(description="调用者能否打开该申请(GET /api/v1/applications/{id})")
    steps: list[TimelineStepOut] = Field(description="各环节(只在 kind=application 的条目中给出)")


class TimelineEntryOut(Schema):
    at: datetime | None = Field(None, description="时间;只有日期的条目(在校经历)为 null")
    date: date
    kind: str = Field(description="status_event 学籍事件、application 发起申请、decision 环节办理、cancelled 撤销申请、"
                                  "enrolment_start 进入学校、enrolment_end 离开学校、number_issued 发放学籍号、"
                                  "number_replaced 学籍号停用")
    title: str
    actor: str | None = Field(None, description="经办人账号")
    actor_name: str | None = None
    org: str = Field(description="经办单位")
    note: str = Field(description="说明或办理意见")
    from_status: str = ""
    to_status: str = ""
    changes: dict = Field(description="学籍事件记录的变更(原值、新值);身份证件号以掩码显示")
    application: TimelineApplicationOut | None = None
    step: TimelineStepOut | None = Field(None, description="kind=decision 时所办理的环节")


@router.get("/students/{key}/timeline", response={200: list[TimelineEntryOut], **errors(401, 404)},
            summary="学生的学籍时间线")
def timeline(request, key: str):
    """学籍事件、每件申请及其各环节(谁在何时作出何种决定、意见、期限)、在校经历和学籍号,按时间先后合并。
    不在管辖范围内的学生返回 404;每次查阅记入审计日志。"""
    student = find_student(request.user, key, purpose="timeline")
    return student_timeline(request.user, student)


# ---------------------------------------------------------------- 督办


class OverdueStepOut(Schema):
    application: int
    type: str
    type_label: str
    student: str = Field(description="学生键:J、L 字头学籍号,否则为档案ID(G字头学籍号含身份证件号,不作键输出;输入时仍接受完整学籍号)")
    student_name: str
    school: str
    school_name: str
    area: str = Field(description="分组:县(区)代码;市直管学校为“<市代码>-city”")
    area_name: str
    step: int
    step_label: str
    holder: str = Field(description="办理单位与角色")
    org: str
    role: str
    due_date: date
    days_overdue: int = Field(description="已超期天数(自然日)")
    working_days_overdue: int = Field(description="已超期工作日数")


class OverdueGroupOut(Schema):
    area: str
    area_name: str
    schools: dict[str, int] = Field(description="学校标识码 → 超期环节数")
    count: int


class OverdueOut(Schema):
    count: int
    groups: list[OverdueGroupOut] = Field(description="按县(区)分组;市直管学校单列")
    results: list[OverdueStepOut]
    fallback_note: str = Field(description="涉及未录入节假日安排的年份时的说明")


@router.get("/oversight/overdue-steps", response={200: OverdueOut, **errors(401, 403)},
            summary="超期未办的审批环节(按县、学校分组)")
def overdue_steps(request):
    """管辖范围内已过到期日仍待办理的环节及超期天数。县级看本县,市级看全市(含市直管学校),学校看本校。
    审计员 403。每次查询记入审计日志。"""
    user = request.user
    rows = oversight.overdue_steps(user)
    oversight.audit_list(user, "overdue_steps", len(rows))
    groups = oversight.group_overdue(rows)
    return {
        "count": len(rows),
        "groups": [{"area": g.key, "area_name": g.name, "count": g.count,
                    "schools": {code: len(item["rows"]) for code, item in g.schools.items()}} for g in groups],
        "results": [{
            "application": r["application"].pk, "type": r["application"].type,
            "type_label": r["application"].type_label, "student": r["student"].key,
            "student_name": r["student"].name, "school": r["school"].pk, "school_name": r["school"].name,
            "area": r["area"], "area_name": r["area_name"], "step": r["step"].order, "step_label": r["step"].label,
            "holder": r["holder"], "org": r["step"].org_code, "role": r["step"].role, "due_date": r["step"].due_date,
            "days_overdue": r["days_overdue"], "working_days_overdue": r["working_days_overdue"],
        } for r in rows],
        "fallback_note": next((r["fallback_note"] for r in rows if r["fallback_note"]), ""),
    }


class FlagOut(Schema):
    code: str
    article: str | None = None
    message: str


class ExpiredOut(Schema):
    student: str
    name: str
    school: str
    school_name: str
    grade: int
    grade_label: str
    ended_on: date = Field(description="休学期满日")
    days_past: int
    flags: list[FlagOut] = Field(description="提示:义务教育阶段须联系家长办理;普通高中可按自动退学处理(第三十一条)")
    next: list[str] = Field(description="可发起的申请类型:resumption、suspension_extension,普通高中另有 auto_withdrawal"
                                        "(ground=suspension_expired)")


@router.get("/oversight/expired-suspensions", response={200: list[ExpiredOut], **errors(401, 403)},
            summary="休学期满未复学的学生")
def expired_suspensions(request):
    """休学期满、既未复学也未申请延长的学生(第二十四条);普通高中学生可走自动退学(第三十一条)。"""
    user = request.user
    rows = oversight.expired(user)
    oversight.audit_list(user, "expired_suspensions", len(rows))
    return [{"student": r["student"].key, "name": r["student"].name, "school": r["school"].pk,
             "school_name": r["school"].name, "grade": r["student"].grade,
             "grade_label": GRADE_LABELS.get(r["student"].grade, ""), "ended_on": r["ended_on"],
             "days_past": r["days_past"], "next": r["next"],
             "flags": [{"code": f.code, "article": f.article, "message": f.message} for f in r["flags"]]}
            for r in rows]


class DropoutOut(Schema):
    student: str
    name: str
    school: str
    school_name: str
    grade: int
    grade_label: str
    application: int | None = Field(None, description="辍学登记申请ID")
    reported_on: date | None = Field(None, description="学校上报日期")
    recorded_on: date | None = Field(None, description="主管部门确认日期")
    reported_to: list[str] = Field(description="书面上报的单位")
    authority: str = Field(description="确认的主管部门")
    this_term: bool = Field(description="是否本学期新增")
    kept_through: int = Field(description="学籍保留至该学年(起始年份)结束(第三十三条)")


class DropoutsOut(Schema):
    term: str | None = Field(None, description="当前(或最近开始的)学期")
    count: int
    this_term: int = Field(description="本学期新增人数")
    results: list[DropoutOut]


@router.get("/oversight/dropouts", response={200: DropoutsOut, **errors(401, 403)}, summary="辍学学生名单(学期末上报)")
def dropouts(request):
    """管辖范围内义务教育阶段的辍学学生,何时、向哪些单位书面上报(第三十三条)。"""
    user = request.user
    rows, term = oversight.dropouts(user)
    oversight.audit_list(user, "dropouts", len(rows))
    return {
        "term": str(term) if term else None, "count": len(rows), "this_term": sum(r["this_term"] for r in rows),
        "results": [{
            "student": r["student"].key, "name": r["student"].name, "school": r["school"].pk,
            "school_name": r["school"].name, "grade": r["student"].grade,
            "grade_label": GRADE_LABELS.get(r["student"].grade, ""),
            "application": r["application"].pk if r["application"] else None, "reported_on": r["reported_on"],
            "recorded_on": r["recorded_on"], "reported_to": r["reported_to"], "authority": r["authority"],
            "this_term": r["this_term"], "kept_through": r["kept_through"],
        } for r in rows],
    }
