"""开除学籍 (第四十条): a high-school student's expulsion is an application of type `expulsion`, school → city
(开除普通高中学生的学籍须报市级教育主管部门批准). Approval closes the record as 开除 and archives the measure.

The archive owns this change type and registers it with the engine from ArchiveConfig.ready()."""

from django.utils import timezone

from xueji.applications.chains import step_days
from xueji.applications.engine import ChangeType, StepSpec, register, transition
from xueji.audit import services as audit
from xueji.policy.changes.transitions import check_transition
from xueji.policy.violations import Violation
from xueji.students.services import student_data

from . import rules
from .models import Discipline

TYPE = "expulsion"


def steps(application) -> list[StepSpec]:
    school = application.school
    return [StepSpec("学校审核", "leader", school, step_days()),
            StepSpec("市级教育主管部门批准", "city", school.city, step_days())]


def check(ctx) -> list[Violation]:
    student, payload = ctx.student, ctx.payload
    found = rules.check_expulsion(grade=student.grade, misconduct=str(payload.get("misconduct") or ""))
    if found and found[0].code == "expulsion_compulsory":
        return found
    found += check_transition(TYPE, student.status)
    return found + _probation_problem(student, payload.get("probation"))


def _probation_problem(student, probation) -> list[Violation]:
    # Optional: the 留校察看 the proposal follows from (第四十条 一年内仍无改正表现者). It must be the student's own.
    if probation in (None, ""):
        return []
    item = Discipline.objects.filter(pk=probation if str(probation).isdigit() else None, student=student,
                                     level=rules.PROBATION).first()
    if item is None:
        return [Violation("probation_unknown", "所涉留校察看处分不是该学生的留校察看记录,请核对 probation", rules.A40,
                          "probation")]
    if item.revoked_on or item.lifted_on:
        return [Violation("probation_closed", "所涉留校察看已撤销或解除,不能据以开除学籍", rules.A40, "probation")]
    return []


def apply(application, actor) -> None:
    """The record stays (第八条): the open enrolment ends with a copy of the record, the status becomes 开除, and
    the measure 开除学籍 enters the archive as the school's decision."""
    student = application.student
    today = timezone.localdate()
    snapshot = {k: (v if isinstance(v, (str, int, bool, list, dict, type(None))) else str(v))
                for k, v in student_data(student).items()}
    student.enrolments.filter(ended_on__isnull=True).update(ended_on=today, exit_reason="开除学籍", snapshot=snapshot)
    misconduct = str(application.payload.get("misconduct") or application.reason or "开除学籍")[:500]
    item = Discipline.objects.create(
        student=student, school=application.school, level=rules.EXPULSION, reason=misconduct, decided_on=today,
        in_archive=True, recorded_by=application.created_by)
    transition(student, TYPE, actor=actor, application=application,
               note=f"经市级教育主管部门批准开除学籍(第四十条):{misconduct}")
    audit.record(actor, "discipline.record", obj=student,
                 details={"discipline": item.pk, "level": rules.EXPULSION, "application": application.pk})


register(ChangeType(code=TYPE, label="开除学籍", article=rules.A40, steps=steps, check=check, apply=apply))
