"""第十二条 late arrival: delay of entry, no-show of a compulsory-stage newcomer (→ 辍学, completed on return),
and cancellation of a high-school admission (no report within 10 working days, or fraud)."""

import datetime

from django.utils import timezone

from xueji.policy import arrival as rules
from xueji.policy.violations import Violation
from xueji.students import numbers
from xueji.workdays.services import autumn_term, school_year_of, working_days_between

from ..chains import leader_then_authority, step_days
from ..engine import ChangeType, StepSpec, register, transition
from ..models import Application

ART = "第十二条"


def _entry_year(student) -> int:
    if student.entry_month and len(student.entry_month) == 6:
        return int(student.entry_month[:4])
    return timezone.localdate(student.created_at).year


def _term_start(student) -> tuple[datetime.date | None, list[Violation]]:
    year = _entry_year(student)
    term = autumn_term(year)
    if term is None:
        return None, [Violation(code="term_not_set", field="student", article=ART,
                                message=f"省级尚未设置{year}–{year + 1}学年第一学期开学日期,暂不能办理,请联系省级管理员")]
    return term.starts_on, []


def approved_delay_until(student) -> datetime.date | None:
    delay = (Application.objects.filter(student=student, type="entry_delay", status=Application.Status.APPROVED)
             .order_by("-decided_at").first())
    return datetime.date.fromisoformat(delay.payload["until"]) if delay else None


def _current_school_year() -> int:
    return school_year_of(timezone.localdate())


def _new_student(student) -> list[Violation]:
    if student.status not in ("待注册", "在籍") or _entry_year(student) != _current_school_year():
        return [Violation(code="not_a_newcomer", field="student", article=ART,
                          message="只有本学年新入学的学生适用报到、延期与未报到的规定(第十二条)")]
    return []


def _until(payload) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(payload.get("until") or ""))
    except ValueError:
        return None


# ---------------------------------------------------------------- 延期入学


def check_delay(ctx) -> list[Violation]:
    start, problems = _term_start(ctx.student)
    if problems:
        return problems
    filed_on = timezone.localdate(ctx.application.created_at) if ctx.application else timezone.localdate()
    return _new_student(ctx.student) + rules.check_entry_delay(
        filed_on=filed_on, term_start=start, until=_until(ctx.payload))


def apply_delay(application, actor) -> None:
    transition(application.student, "entry_delay", actor=actor, application=application,
               note=f"准予延期报到至{application.payload['until']}", changes={"delay_until": application.payload["until"]})


register(ChangeType(
    code="entry_delay", label="延期入学", article=ART, needs_evidence=True,
    steps=lambda app: [StepSpec("学校审核", "leader", app.school, step_days())],
    check=check_delay, apply=apply_delay,
))


# ---------------------------------------------------------------- 义务教育新生未报到 → 辍学


def check_no_show(ctx) -> list[Violation]:
    start, problems = _term_start(ctx.student)
    if problems:
        return problems
    return _new_student(ctx.student) + rules.check_no_show_dropout(
        grade=ctx.student.grade, today=timezone.localdate(), term_start=start,
        delay_until=approved_delay_until(ctx.student))


def apply_no_show(application, actor) -> None:
    transition(application.student, "no_show_dropout", actor=actor, application=application,
               note="新生无故未按时报到,经多方联系无果,视为辍学(第十二条),报乡镇人民政府和县级教育行政部门(第三十三条)")


register(ChangeType(
    code="no_show_dropout", label="新生未报到(视为辍学)", article=ART,
    steps=leader_then_authority, check=check_no_show, apply=apply_no_show,
))


def check_return(ctx) -> list[Violation]:
    if ctx.student.status != "辍学":
        return [Violation(code="not_dropped_out", field="student", article=ART,
                          message=f"该学生学籍状态为“{ctx.student.status}”,只有辍学学生可以办理恢复入学")]
    return []


def apply_return(application, actor) -> None:
    student = application.student
    if not student.student_number:
        # 第十二条 "待恢复入学后补录、更新学籍信息": the record is completed now and gets its number.
        numbers.issue_number(student)
    transition(student, "dropout_return", actor=actor, application=application,
               note="辍学学生恢复入学,补录、更新学籍信息(第十二条)")


register(ChangeType(
    code="dropout_return", label="辍学后恢复入学", article=ART,
    steps=leader_then_authority, check=check_return, apply=apply_return,
))


# ---------------------------------------------------------------- 普通高中取消入学资格


def check_cancel(ctx) -> list[Violation]:
    start, problems = _term_start(ctx.student)
    if problems:
        return problems
    reference = max(start, approved_delay_until(ctx.student) or start)
    elapsed = working_days_between(reference, timezone.localdate())
    return _new_student(ctx.student) + rules.check_admission_cancel(
        grade=ctx.student.grade, ground=ctx.payload.get("ground", "no_show"), working_days_since=elapsed,
        has_evidence=ctx.evidence_count > 0)


def apply_cancel(application, actor) -> None:
    ground = application.payload.get("ground", "no_show")
    note = ("开学后10个工作日内未报到且未办理延期,取消入学资格并注销学籍(第十二条)" if ground == "no_show"
            else "以不正当手段骗取入学资格,取消学籍(第十二条)")
    transition(application.student, "admission_cancel", actor=actor, application=application, note=note)


register(ChangeType(
    code="admission_cancel", label="取消入学资格", article=ART,
    steps=leader_then_authority, check=check_cancel, apply=apply_cancel,
))
