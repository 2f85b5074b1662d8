"""借读 (第二十五–二十七条) on the application engine, as two change types.

visiting      Started at the HOST school (extra["receiving"]) by its registrar, who identified the student by
              student number + name + ID number (xueji.visiting.services.start_stay), with the reason, the planned
              period, the host class and the proofs (附件9 and the rest, 第二十六条). Chain: host school leader →
              host school's competent authority. On approval a VisitingStay opens; the record stays at the home
              school and stays 在籍 (第二十七条).
visiting_end  Ends an open stay; filed by the registrar of either school, decided by the host school's leader.
              A stay found at a grade other than the home one is withdrawn with the reason grade_mismatch
              (第二十六条).

The rules are the policy's (xueji.policy.changes.visiting.check_visiting), run at filing and again at the final
approval; this module only reads the facts they need from the database.
"""

import datetime

from django.utils import timezone

from xueji.applications.chains import authority_step, step_days
from xueji.applications.engine import ChangeType, StepSpec, register
from xueji.core.inputs import parse_id
from xueji.orgs import facts as org_facts
from xueji.orgs.models import School, SchoolClass
from xueji.policy.changes import visiting as rules
from xueji.policy.reorganisation import closed_school_problems
from xueji.policy.violations import Violation
from xueji.students import facts as student_facts

A25, A26, A27 = rules.A25, rules.A26, rules.A27

END_REASONS = rules.END_REASONS


def parse_date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value or ""))
    except ValueError:
        return None


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return parse_id(value)


def host_school(ctx) -> School:
    return ctx.application.school if ctx.application is not None else ctx.actor.school


def open_stay(student):
    from xueji.visiting.models import VisitingStay

    qs = VisitingStay.objects.filter(student=student, ended_on__isnull=True)
    return qs.select_related("host_school", "home_school", "host_class").first()


# ---------------------------------------------------------------- visiting: start a stay


def _period_problems(payload: dict) -> list[Violation]:
    found = []
    start, end = parse_date(payload.get("starts_on")), parse_date(payload.get("ends_on"))
    if start is None:
        found.append(Violation(code="date_required", field="starts_on", article=A26,
                               message=f"请按YYYY-MM-DD填写借读开始日期 starts_on({A26})"))
    if end is None:
        found.append(Violation(code="date_required", field="ends_on", article=A26,
                               message=f"请按YYYY-MM-DD填写计划借读结束日期 ends_on({A26})"))
    if start and end and end <= start:
        found.append(Violation(code="period_reversed", field="ends_on",
                               message="计划借读结束日期须晚于开始日期,请重新填写"))
    return found


def host_class_of(payload: dict, host: School) -> tuple[SchoolClass | None, list[Violation]]:
    class_id = _int(payload.get("host_class"))
    if class_id is None:
        return None, [Violation(code="host_class_required", field="host_class", article=A26,
                                message=f"请选择借读班级 host_class(本校班级ID),以核对班额({A26})")]
    # The row lock serialises two stays (or a stay and a placement) filling the same last seat.
    school_class = SchoolClass.objects.select_for_update().filter(pk=class_id, school=host).first()
    if school_class is None:
        return None, [Violation(code="unknown_class", field="host_class",
                                message="借读班级不存在于本校,请重新选择")]
    return school_class, []


def seats_taken(school_class: SchoolClass, *, besides_student=None) -> int:
    """The class's size before the student joins: its own students and held placements (counted as placement
    counts them, 第十三条) plus the visiting students already sitting there."""
    from xueji.placement.selectors import class_loads
    from xueji.visiting.models import VisitingStay

    # class_loads already counts the visiting students sitting there; a stay of this very student is not a
    # seat he would take twice.
    load = class_loads([school_class.pk])[school_class.pk]
    own = 0
    if besides_student is not None:
        own = VisitingStay.objects.filter(host_class=school_class, ended_on__isnull=True,
                                          student=besides_student).count()
    return load.seated + load.reserved - own


def check_visiting(ctx) -> list[Violation]:
    payload, student = ctx.payload, ctx.student
    host = host_school(ctx)
    if payload.get("home_school") and payload["home_school"] != student.school_id:
        return [Violation(code="visiting_home_changed", field="student", article=A27,
                          message="申请提交后该学生的学籍已转到其他学校,请驳回本申请后重新申请")]
    stay = open_stay(student)
    if stay is not None:
        return [Violation(code="visiting_already_open", field="student", article=A27,
                          message=f"该学生正在{stay.host_school.name}借读,须先结束该借读再申请")]
    # 第八条: a merged or closed school takes no visiting student either.
    found = closed_school_problems(host.name, host.closed_on, host.closure, act="接收借读学生")
    found += _period_problems(payload)
    school_class, problems = host_class_of(payload, host)
    found += problems
    if school_class is None:
        return found
    abroad = _int(payload.get("abroad_months"))
    return found + rules.check_visiting(
        student_facts.student_facts(student, timezone.localdate()), org_facts.school_facts(student.school),
        org_facts.school_facts(host), reason=str(payload.get("visiting_reason") or ""), proofs=ctx.proofs,
        host_grade=school_class.grade, host_class_size=seats_taken(school_class, besides_student=student),
        class_reason=str(payload.get("class_reason") or ""), abroad_months=abroad)


def steps_visiting(application) -> list[StepSpec]:
    host, grade = application.school, application.student.grade
    return [StepSpec("借读学校审核", "leader", host, step_days()),
            authority_step(host, grade, label="借读学校主管部门审批")]


def apply_visiting(application, actor) -> None:
    from xueji.visiting.services import open_stay_for

    open_stay_for(application, actor)


def _start_with_identity(*args, **kwargs):
    """The receiving school's filing, identified by number + name + ID (the API's POST /applications)."""
    from xueji.visiting.services import start_stay

    return start_stay(*args, **kwargs)


register(ChangeType(
    code="visiting", label="借读", article=A25, needs_evidence=True,
    steps=steps_visiting, check=check_visiting, apply=apply_visiting,
    extra={"receiving": True, "start_with_identity": _start_with_identity},
))


# ---------------------------------------------------------------- visiting_end: close a stay


def check_visiting_end(ctx) -> list[Violation]:
    payload, student = ctx.payload, ctx.student
    stay = open_stay(student)
    filed_at = host_school(ctx)
    if stay is None or (payload.get("stay") not in (None, stay.pk)):
        return [Violation(code="visiting_not_open", field="stay", article=A27,
                          message="该学生没有进行中的借读,无需结束借读")]
    if filed_at.pk not in (stay.home_school_id, stay.host_school_id):
        return [Violation(code="visiting_end_wrong_school", field="stay", article=A27,
                          message="结束借读由学籍所在学校或借读学校的学籍管理员申请")]
    if payload.get("end_reason") not in END_REASONS:
        return [Violation(code="visiting_end_reason", field="end_reason",
                          message=f"请选择结束原因:{'、'.join(END_REASONS.values())}")]
    return []


def steps_visiting_end(application) -> list[StepSpec]:
    stay = open_stay(application.student)
    host = stay.host_school if stay is not None else application.school
    return [StepSpec("借读学校审核", "leader", host, step_days())]


def apply_visiting_end(application, actor) -> None:
    from xueji.visiting.services import close_stay_for

    close_stay_for(application, actor)


register(ChangeType(
    code="visiting_end", label="结束借读", article=A27,
    steps=steps_visiting_end, check=check_visiting_end, apply=apply_visiting_end,
    # Either school may file it: the host school cannot see the record through StudentPolicy, so the
    # application is filed at the filer's own school and the check confirms it is one of the two.
    extra={"receiving": True},
))
