"""Guardian accounts and the term's check of the record (第十一条, 第四十三条).

/api/v1/guardian/…                 the guardian's own: sign-up with a code, more children, read, confirm, report
/api/v1/students/{key}/guardian-code  the school's registrar issues a one-time code (shown once)
/api/v1/schools/{school_code}/guardian-reports, /guardian-confirmations, /api/v1/guardian-reports/{id}/handle
                                      the school's list of reported errors and who confirmed this term
"""

import datetime

from ninja import Field, Query, Router, Schema, Status

from xueji.api.common import ObjectId, errors
from xueji.core.errors import Forbidden
from xueji.core.masking import STUDENT_NUMBER_DOC, mask_id, mask_ids_in_text, mask_student_number
from xueji.orgs.selectors import find_school
from xueji.policy import guardians as rules
from xueji.policy.fields import GRADE_LABELS
from xueji.students.models import Student
from xueji.students.schemas import StudentOut, student_json
from xueji.students.selectors import find_student

from . import selectors, services
from .models import TermCheck

router = Router(tags=["家长与学籍核对"])
school_router = Router(tags=["家长与学籍核对"])


class SignUpIn(Schema):
    code: str = Field(max_length=64, description="学校发放的绑定码(16位,可带连字符)")
    child_name: str = Field(max_length=50, description="学生姓名,须与学籍一致")
    username: str = Field(max_length=150, description="自设的用户名")
    password: str = Field(max_length=1024, description="密码,规则与系统其他账号相同(至少10个字符等)")
    display_name: str = Field("", max_length=50, description="家长姓名或称呼(选填)")


class AddChildIn(Schema):
    code: str = Field(max_length=64, description="该学生的绑定码")
    child_name: str = Field(max_length=50, description="学生姓名")


class ChildOut(Schema):
    id: int
    student_number: str | None = Field(description=STUDENT_NUMBER_DOC)
    name: str
    school: str = Field(description="学校标识码")
    school_name: str
    grade: int
    grade_label: str
    status: str
    term_answer: str | None = Field(description="本学期核对结果:confirmed 信息无误、reported 报告有误,未核对为 null")


class AccountOut(Schema):
    username: str
    children: list[ChildOut]


class ReportItemIn(Schema):
    field: str = Field(max_length=30, description="有误的项目(学籍信息项目的英文名,见 GET /guardian/fields;"
                                                  "家庭成员信息为 family)")
    correct_value: str = Field("", max_length=200, description="正确的内容")
    note: str = Field("", max_length=500, description="说明")


class ReportIn(Schema):
    errors: list[ReportItemIn] = Field(max_length=rules.MAX_ITEMS)


class CheckOut(Schema):
    student: int
    school_year: int
    term: int
    answer: str
    at: datetime.datetime


class FieldOut(Schema):
    field: str
    label: str
    info_change: bool = Field(description="受控信息:更正须经学籍信息变更申请审批(第十五条)")


class CodeOut(Schema):
    code: str = Field(description="绑定码,只在此时显示一次;请交给家长")
    expires_at: datetime.datetime


class ReportOut(Schema):
    id: int
    student: int
    student_name: str
    class_name: str
    field: str
    field_label: str
    info_change: bool
    correct_value: str
    note: str
    reported_at: datetime.datetime
    reported_by: str
    handled_at: datetime.datetime | None
    handled_note: str
    application: int | None


class HandleIn(Schema):
    note: str = Field("", max_length=500, description="处理说明")
    application: ObjectId | None = Field(None, description="为此发起的信息变更申请编号(选填)")


class ClassCountOut(Schema):
    class_id: int | None
    class_name: str
    seated: int
    bound: int = Field(description="已绑定家长账号的学生数")
    confirmed: int
    reported: int
    unchecked: int


class ConfirmationOut(Schema):
    student: int
    student_name: str
    class_name: str
    guardian: str
    answer: str
    at: datetime.datetime


class ConfirmationsOut(Schema):
    term: str
    classes: list[ClassCountOut]
    checks: list[ConfirmationOut]


def _child(student, answers) -> dict:
    return {"id": student.pk, "student_number": mask_student_number(student.student_number), "name": student.name,
            "school": student.school_id, "school_name": student.school.name, "grade": student.grade,
            "grade_label": GRADE_LABELS.get(student.grade, str(student.grade)), "status": student.status,
            "term_answer": answers.get(student.pk)}


def _guardian_only(request) -> None:
    # Lists and binding are a guardian's acts; another role has no children here to list (403, not an empty list).
    if getattr(request.user, "role", "") != "guardian":
        raise Forbidden("仅限家长账号使用")


def _children(user) -> list[dict]:
    kids = list(selectors.children(user))
    try:
        term = services.check_term()
    except services.RuleViolation:
        term = None
    answers = selectors.answered(user, kids, term)
    return [_child(s, answers) for s in kids]


def _check(check: TermCheck) -> dict:
    return {"student": check.student_id, "school_year": check.school_year, "term": check.term,
            "answer": check.answer, "at": check.at}


# ---------------------------------------------------------------- the guardian's own


@router.post("/sign-up", auth=None, response={201: AccountOut, **errors(400, 409, 422, 429)},
             summary="家长凭绑定码开通账号")
def sign_up(request, payload: SignUpIn):
    """绑定码由学生所在学校的学籍管理员发放,一次有效、30天内有效,重新发放后旧码作废。绑定码错误、学生姓名
    不符、已使用或已过期,一律返回同一个 422(code_refused),不提示是哪一项;同一地址多次失败后返回 429。"""
    user = services.sign_up(code=payload.code, child_name=payload.child_name, username=payload.username,
                            password=payload.password, display_name=payload.display_name)
    return Status(201, {"username": user.username, "children": _children(user)})


@router.get("/children", response={200: list[ChildOut], **errors(401, 403)}, summary="本人绑定的学生")
def my_children(request):
    _guardian_only(request)
    return _children(request.user)


@router.post("/children", response={201: ChildOut, **errors(400, 401, 403, 409, 422, 429)},
             summary="用另一个绑定码再绑定一名学生")
def add_child(request, payload: AddChildIn):
    link = services.add_child(request.user, code=payload.code, child_name=payload.child_name)
    return Status(201, _child(link.student, {}))


@router.get("/fields", response={200: list[FieldOut], **errors(401, 403)}, summary="可报告有误的学籍信息项目")
def reportable_fields(request):
    _guardian_only(request)
    return [{"field": name, "label": label, "info_change": rules.needs_info_change(name)}
            for name, label in rules.reportable_fields()]


@router.get("/children/{key}", response={200: StudentOut, **errors(401, 403, 404)}, by_alias=True,
            summary="本人孩子的完整学籍档案")
def read_child(request, key: str):
    """只能读取绑定在本人账号下的学生;其他任何学生(按学籍号或档案ID)一律 404。证件号以掩码显示。"""
    student = services.find_child(request.user, key)
    record = Student.objects.select_related("school", "school_class").prefetch_related("family", "numbers")
    return student_json(record.get(pk=student.pk))


@router.post("/children/{key}/confirm", response={201: CheckOut, **errors(401, 403, 404, 409, 422)},
             summary="本学期核对:信息无误")
def confirm(request, key: str):
    """每学期一次(第四十三条);本学期已核对过返回 409。"""
    return Status(201, _check(services.confirm(request.user, key)))


@router.post("/children/{key}/report", response={201: CheckOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="本学期核对:报告信息有误")
def report(request, key: str, payload: ReportIn):
    """逐项写明有误的项目、正确内容和说明;报告进入学校学籍管理员的“家长反馈的信息错误”待办。"""
    items = [i.model_dump() for i in payload.errors]
    return Status(201, _check(services.report(request.user, key, items)))


# ---------------------------------------------------------------- the school's side


@school_router.post("/students/{key}/guardian-code", response={201: CodeOut, **errors(401, 403, 404)},
                    summary="发放家长绑定码")
def issue_code(request, key: str):
    """由学生所在学校的学籍管理员发放;绑定码只显示这一次(库中只存其摘要),此前未用的绑定码同时作废。"""
    student = find_student(request.user, key, purpose="guardian_code", audit_read=False)
    code, binding = services.issue_code(request.user, student)
    return Status(201, {"code": services.grouped(code), "expires_at": binding.expires_at})


class RevokeIn(Schema):
    reason: str = Field(max_length=200, description="解除理由,如“绑定码误交他人”“监护关系变更”")


class LinkOut(Schema):
    id: int
    guardian: str
    since: datetime.datetime
    revoked_on: datetime.datetime | None


@school_router.post("/students/{key}/guardians/{link_id}/revoke", response={200: LinkOut, **errors(400, 401, 403,
                                                                                                   404, 409, 422)},
                    summary="解除家长账号与学生的绑定")
def revoke_link(request, key: str, link_id: ObjectId, payload: RevokeIn):
    """由学生所在学校的学籍管理员办理,须写明理由;绑定记录保留,只记下解除时间。"""
    student = find_student(request.user, key, purpose="guardian_code", audit_read=False)
    link = services.revoke_link(request.user, student, link_id, payload.reason)
    return {"id": link.pk, "guardian": str(link.user), "since": link.since, "revoked_on": link.revoked_on}


def _shown(field: str, value: str) -> str:
    # A reported ID number is the child's whole number: masked like the record's own (第四十四条).
    return mask_id(value) if field == "id_number" else mask_ids_in_text(value)


def _report(r) -> dict:
    klass = r.student.school_class
    return {"id": r.pk, "student": r.student_id, "student_name": r.student.name,
            "class_name": str(klass) if klass else "", "field": r.field, "field_label": rules.field_label(r.field),
            "info_change": rules.needs_info_change(r.field), "correct_value": _shown(r.field, r.correct_value),
            "note": mask_ids_in_text(r.note),
            "reported_at": r.reported_at, "reported_by": str(r.term_check.user), "handled_at": r.handled_at,
            "handled_note": r.handled_note, "application": r.application_id}


@school_router.get("/schools/{school_code}/guardian-reports", response={200: list[ReportOut], **errors(401, 404)},
                   summary="家长反馈的信息错误")
def list_reports(request, school_code: str,
                 open_only: bool = Query(True, alias="open", description="只列未处理的")):  # noqa: B008
    school = find_school(request.user, school_code, purpose="guardian_reports")
    return [_report(r) for r in selectors.reports(request.user, school, open_only=open_only)]


@school_router.post("/guardian-reports/{report_id}/handle", response={200: ReportOut, **errors(400, 401, 403, 404,
                                                                                              409, 422)},
                    summary="标记家长反馈已处理")
def handle_report(request, report_id: ObjectId, payload: HandleIn):
    """附上为此发起的信息变更申请编号,或写明处理说明;已处理的再次提交返回 409。"""
    row = services.handle_report(request.user, report_id, note=payload.note, application_id=payload.application)
    return _report(row)


@school_router.get("/schools/{school_code}/guardian-confirmations",
                   response={200: ConfirmationsOut, **errors(401, 404, 422)}, summary="本学期家长核对情况")
def confirmations(request, school_code: str):
    """按班统计在读学生数、已绑定家长数、已确认无误数、报告有误数,并列出本学期每次核对。"""
    school = find_school(request.user, school_code, purpose="guardian_confirmations")
    term = services.check_term()
    checks = [{"student": c.student_id, "student_name": c.student.name,
               "class_name": str(c.student.school_class) if c.student.school_class else "",
               "guardian": str(c.user), "answer": c.answer, "at": c.at}
              for c in selectors.term_checks(school, term)]
    return {"term": str(term), "classes": selectors.class_counts(school, term), "checks": checks}

