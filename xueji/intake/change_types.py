"""Registration (建档注册, 第十一条): registrar → school leader → competent authority; the number on approval."""

import datetime

from django.utils import timezone

from xueji.applications.chains import leader_then_authority
from xueji.applications.engine import ChangeType, register, transition
from xueji.policy.province import get_policy
from xueji.policy.record import validate_student
from xueji.policy.violations import Violation
from xueji.students import numbers
from xueji.students.models import Student
from xueji.students.services import student_data


def entry_date(application) -> datetime.date:
    raw = application.payload.get("entry_date")
    if raw:
        return datetime.date.fromisoformat(raw)
    return timezone.localdate(application.student.created_at)


def _entry_date_problem(payload: dict) -> list[Violation]:
    # A malformed date must be a refusal naming the field, not an error when the deadline is computed.
    raw = payload.get("entry_date")
    try:
        if raw is not None:
            datetime.date.fromisoformat(raw)
    except (TypeError, ValueError):
        return [Violation(code="invalid_date", field="entry_date",
                          message=f"入学日期“{raw}”格式有误,请写成 YYYY-MM-DD,如 2026-09-01")]
    return []


def check(ctx) -> list[Violation]:
    student = ctx.student
    if _entry_date_problem(ctx.payload):
        return _entry_date_problem(ctx.payload)
    if student.status != "待注册":
        return [Violation(code="not_pending_registration", field="student", article="第十一条",
                          message=f"该学生学籍状态为“{student.status}”,只有待注册的学生可以申请注册")]
    problems = [v for v in validate_student(student_data(student), school_type=student.school.school_type)
                if v.severity == "error"]
    if problems:
        return [Violation(code="record_incomplete", field=problems[0].field, article="第十一条",
                          message="学生基本信息未通过校验,请先修改:" + ";".join(p.message for p in problems[:5]))]
    return _open_case(student) or _duplicate(student)


def _open_case(student: Student) -> list[Violation]:
    # 第十四条: a record suspected to be a second record of someone is neither registered nor numbered (nor its
    # registration started) until the authority has decided the case.
    from .services import open_case_of

    case = open_case_of(student)
    if case is None:
        return []
    return [Violation(code="duplicate_case_open", field="student", article="第十四条",
                      message=f"该学生有待认定的疑似重复学籍({case},由{case.authority.name}学籍主管部门认定),"
                              "须待认定为不是同一人后才能注册、发放学籍号(第十四条)")]


def _duplicate(student: Student) -> list[Violation]:
    # 第十四条: one record per person. Only registered (numbered) records count: a twin pending draft is the
    # intake duplicate check's business.
    if student.id_type == "Z" or not student.id_number:
        return []
    other = (Student.objects.filter(id_type=student.id_type, id_number=student.id_number)
             .exclude(pk=student.pk).exclude(student_number__isnull=True))
    if student.earlier_record_id:
        # 第三十条: the record he left with when settling abroad is his own, not a second person's.
        other = other.exclude(pk=student.earlier_record_id)
    if other.exists():
        return [Violation(code="duplicate_id", field="id_number", article="第十四条",
                          message="该身份证件号已在全省登记学籍,不得重复建立;如学生转入,请办理转学手续(第十四条)")]
    return []


def apply(application, actor) -> None:
    student = application.student
    kind = "L" if application.payload.get("identity_unresolved") else None
    issued = numbers.issue_number(student, kind=kind)
    transition(student, "registration", actor=actor, application=application,
               note=f"注册通过,发放学籍号{issued.number}", changes={"student_number": [None, issued.number]})


REGISTRATION = register(ChangeType(
    code="registration",
    label="学籍注册",
    steps=leader_then_authority,
    check=check,
    apply=apply,
    article="第十一条",
    due_date=lambda application: get_policy().registration_due(entry_date(application)),
    # Every step waits while the record is a suspected duplicate, not only the number issue (第十四条).
    extra={"hold": _open_case},
))
