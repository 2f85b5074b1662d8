"""Leaving the registry or the school: withdrawal (第二十八–三十条), automatic withdrawal (第三十一条), death
(第三十二条), dropout (第三十三条), and missing or detained students and their return (第四十一条).

Every rule is the policy's (xueji/policy/changes/); this module only gathers the facts and declares the chains.
"""

from django.utils import timezone

from xueji.policy.changes import death as death_rules
from xueji.policy.changes import dropout as dropout_rules
from xueji.policy.changes import missing as missing_rules
from xueji.policy.changes import withdrawal as withdrawal_rules
from xueji.policy.province import get_policy
from xueji.policy.violations import Violation
from xueji.students import readmission
from xueji.students.facts import student_facts
from xueji.workdays.services import working_days_between

from ..chains import authority_step, leader_then_authority, step_days
from ..engine import ChangeType, StepSpec, register, transition
from ..models import Application
from .suspension import _date, current_periods, suspended_until


def _facts(ctx):
    return student_facts(ctx.student, timezone.localdate())


def _compulsory(student) -> bool:
    return get_policy().is_compulsory(student.grade)


# ---------------------------------------------------------------- 退学


def withdrawal_steps(application) -> list[StepSpec]:
    school, grade = application.school, application.student.grade
    if _compulsory(application.student):
        # 第二十八条: the township's approval is on file before the county processes it, whoever runs the school.
        return [StepSpec("学校审核", "leader", school, step_days()),
                StepSpec("县级教育行政部门办理退学", "county", school.county, step_days())]
    return [StepSpec("学校审核", "leader", school, step_days()), authority_step(school, grade, label="学籍主管部门批准")]


def check_withdrawal(ctx):
    return withdrawal_rules.check_withdrawal(
        _facts(ctx), ground=ctx.payload.get("ground", ""), proofs=ctx.proofs,
        township_approved="township_approval" in ctx.proofs, suspension_periods=current_periods(ctx.student),
        judicial_outcome=ctx.payload.get("judicial_outcome"))


def returned_from_abroad(record) -> bool:
    """A record closed by a withdrawal for settling abroad (第二十八、二十九条): its person, back in the province,
    is admitted anew under chapter 3 with a record linked to this one (第三十条)."""
    return record.status == "退学" and Application.objects.filter(
        student=record, type="withdrawal", status=Application.Status.APPROVED, payload__ground="settle_abroad"
    ).exists()


readmission.register(returned_from_abroad)


def apply_withdrawal(application, actor):
    _close(application, actor, "withdrawal", "退学", "准予退学(第三十条)")


def _close(application, actor, change: str, exit_reason: str, note: str) -> None:
    """The record stays (第八条); only the open enrolment ends, with a copy of the record as it stood."""
    from xueji.students.services import student_data

    student = application.student
    snapshot = {k: (v if isinstance(v, (str, int, bool, list, dict, type(None))) else str(v))
                for k, v in student_data(student).items()}
    student.enrolments.filter(ended_on__isnull=True).update(
        ended_on=timezone.localdate(), exit_reason=exit_reason, snapshot=snapshot)
    transition(student, change, actor=actor, application=application, note=note)


register(ChangeType(code="withdrawal", label="退学", article="第三十条", needs_evidence=True,
                    steps=withdrawal_steps, check=check_withdrawal, apply=apply_withdrawal))


def check_auto(ctx):
    try:
        weeks = [int(w) for w in ctx.payload.get("truancy_weeks") or []] or None
        runs = [float(r) for r in ctx.payload.get("truancy_runs") or []] or None
    except (TypeError, ValueError):
        return [Violation(code="truancy_unreadable", field="truancy_weeks", article="第三十一条",
                          message="旷课周次须为数字列表,如 1,2,3(第几周旷课)")]
    return withdrawal_rules.check_auto_withdrawal(
        _facts(ctx), ground=ctx.payload.get("ground", ""), proofs=ctx.proofs,
        truancy_weeks=weeks, truancy_runs=runs,
        today=timezone.localdate(), suspension_end=suspended_until(ctx.student))


def auto_steps(application):
    school = application.school
    return [StepSpec("学校审核", "leader", school, step_days()), StepSpec("县级教育行政主管部门批准", "county", school.county, step_days()),
            StepSpec("市级教育行政主管部门批准", "city", school.city, step_days())]


register(ChangeType(
    code="auto_withdrawal", label="自动退学", article="第三十一条", needs_evidence=True, steps=auto_steps,
    check=check_auto,
    apply=lambda app, actor: _close(app, actor, "auto_withdrawal", "自动退学", "按自动退学处理,由学校注销学籍(第三十一条)"),
))


# ---------------------------------------------------------------- 死亡


def check_death(ctx):
    known = _date(ctx.payload, "known_on")
    elapsed = working_days_between(known, timezone.localdate()) if known else None
    return death_rules.check_death(_facts(ctx), proofs=ctx.proofs, working_days_since_known=elapsed)


register(ChangeType(
    code="death", label="死亡注销", article="第三十二条", needs_evidence=True, steps=leader_then_authority,
    check=check_death,
    apply=lambda app, actor: _close(app, actor, "death", "死亡", "学生死亡,注销学籍(第三十二条)"),
))


# ---------------------------------------------------------------- 辍学


def check_dropout(ctx):
    level = "city" if ctx.student.school.authority_for(ctx.student.grade).level == "city" else "county"
    return dropout_rules.check_dropout(_facts(ctx), reported_to=ctx.payload.get("reported_to") or (),
                                       proofs=ctx.proofs, authority_level=level)


register(ChangeType(
    code="dropout", label="辍学登记", article="第三十三条", needs_evidence=True, steps=leader_then_authority,
    check=check_dropout,
    apply=lambda app, actor: transition(app.student, "dropout", actor=actor, application=app,
                                        note="辍学,已书面上报乡镇人民政府和县级教育行政部门;义务教育年限内保留学籍(第三十三条)"),
))


# ---------------------------------------------------------------- 失踪、被刑事拘留等离校


def leave_steps(application):
    return [StepSpec("学校审核", "leader", application.school, step_days()),
            StepSpec("报告市级教育行政部门", "city", application.school.city, step_days())]


def check_missing(ctx):
    return missing_rules.check_leave(_facts(ctx), reason=ctx.payload.get("reason", ""),
                                     reported_to_city=True, judicial_outcome=ctx.payload.get("judicial_outcome"))


register(ChangeType(
    code="missing", label="失踪或离校登记", article="第四十一条", steps=leave_steps, check=check_missing,
    apply=lambda app, actor: transition(app.student, "missing", actor=actor, application=app,
                                        note="学生离校,已报告市级教育行政部门,保留学籍(第四十一条)"),
))
register(ChangeType(
    code="missing_return", label="离校学生回校", article="第四十一条", steps=leave_steps,
    check=lambda ctx: missing_rules.check_return(_facts(ctx)),
    apply=lambda app, actor: transition(app.student, "missing_return", actor=actor, application=app,
                                        note="离校学生回校就读(第四十一条)"),
))
