"""转学 (第十七–二十二条) on the application engine, as three change types.

transfer      Within this registry. Started at the RECEIVING school (extra["receiving"]) by its registrar, who
              identified the student by student number + name + ID number (xueji.transfers.services.lookup),
              with the stamped 转学申请表 (附件8) and the reason's proofs. Chain: receiving leader → receiving
              authority → sending leader → sending authority, each within 10 working days (第二十二条). On the last
              approval the record moves to the receiving school and stays 在籍.
transfer_out  To a school outside this registry: another province, or a 中等职业学校 (第十九条; its records are not
              kept here, 第二条). The destination cannot start anything here, so the SENDING school starts it with
              the destination's admission proof; chain: sending leader → sending authority. On approval the record
              becomes 转出 and a portable transfer package is issued for the other registry.
transfer_in   From another province: the receiving registrar imports the package its registry issued
              (xueji.transfers.services.import_package), which opens a 待注册 record, or for a student who had
              left this registry (转出) takes his own record back; chain: receiving leader → receiving authority;
              on approval the record is 在籍 at the receiving school.

Every check builds the facts from the database and calls xueji.policy.changes.transfer.check_transfer, at
submission and again at the final approval (the engine re-runs it). "Mid-term" is judged on the filing date, so
a request filed in the holidays is not refused because the authorities decided it after term began.
"""

import datetime

from django.utils import timezone

from xueji.applications.chains import authority_step
from xueji.applications.engine import ChangeType, StepSpec, register
from xueji.core.inputs import is_digits
from xueji.orgs.models import School, SchoolClass
from xueji.policy import codes
from xueji.policy.changes import transfer as rules
from xueji.policy.province import get_policy
from xueji.policy.reorganisation import closed_school_problems
from xueji.policy.violations import Violation
from xueji.workdays.services import term_on

from . import facts

A17, A18, A20 = "第十七条", "第十八条", "第二十条"
FLAGS = ("mid_term_exception", "sat_proficiency_exam")


# ---------------------------------------------------------------- shared pieces


def filing_date(ctx) -> datetime.date:
    if ctx.application is not None:
        return timezone.localdate(ctx.application.created_at)
    return timezone.localdate()


# The two places of a transfer, as the form names them (the API's field carries the key).
DIVISION_WORDS = {"from_division": "原居住(务工)地", "to_division": "现居住(务工)地"}


def shape_problems(payload: dict) -> list[Violation]:
    """Payload values of the wrong kind, named by field (the services clean what a form sends)."""
    found = []
    grade = payload.get("to_grade")
    if grade is not None and (isinstance(grade, bool) or not isinstance(grade, int) or not 1 <= grade <= 12):
        found.append(Violation(code="invalid_grade", field="to_grade", message="转入年级须为1至12的整数(一年级为1,高三为12)"))
    for name in ("from_division", "to_division"):
        value = payload.get(name)
        if value not in (None, "") and not (len(str(value)) == 6 and is_digits(value)):
            found.append(Violation(code="invalid_division", field=name, article=A17,
                                   message=f"{DIVISION_WORDS[name]}须为6位县级行政区划代码,如140106(迎泽区)"))
    school_class = payload.get("to_class")
    if school_class is not None and (isinstance(school_class, bool) or not isinstance(school_class, int)):
        found.append(Violation(code="invalid_class", field="to_class", message="转入班级须从转入学校的班级中选择"))
    if not isinstance(payload.get("transfer_reason", ""), str):
        found.append(Violation(code="invalid_reason", field="transfer_reason", message="请从列表中选择转学理由"))
    return found


def rule_arguments(ctx, destination_has_private: bool) -> dict:
    """The keyword arguments of check_transfer that come from the application itself."""
    payload = ctx.payload
    return {
        "reason": payload.get("transfer_reason") or "",
        "proofs": ctx.proofs,
        "to_grade": payload.get("to_grade"),
        "mid_term": term_on(filing_date(ctx)) is not None,
        # The authority's approval of a request that asked for it is the exception (第二十条 原则上).
        "exception_granted": bool(payload.get("mid_term_exception")),
        "from_division": payload.get("from_division") or "",
        "to_division": payload.get("to_division") or "",
        "destination_has_private_high_school": destination_has_private,
        "record_moves": payload.get("record_moves", True) is not False,
        "sat_proficiency_exam": bool(payload.get("sat_proficiency_exam")),
    }


def chain(application, parties: dict[str, School]) -> list[StepSpec]:
    """The approving steps of the policy's transfer chain for the sides present in this registry."""
    grade = application.student.grade
    specs = []
    for step in rules.transfer_steps():
        side, _sep, kind = step.org.partition("_")
        school = parties.get(side)
        if step.action != "approve" or school is None:
            continue
        if kind == "school":
            specs.append(StepSpec(step.label[:40], step.role, school, step.working_days))
        else:
            specs.append(authority_step(school, grade, label=step.label[:40], working_days=step.working_days))
    return specs


def class_problems(payload: dict, destination: School, grade: int) -> list[Violation]:
    """The class asked for at the new school: of that school and grade, and with room (第十三条)."""
    from xueji.students.services import check_class_room

    class_id = payload.get("to_class")
    if not isinstance(class_id, int) or isinstance(class_id, bool):
        return []
    school_class = SchoolClass.objects.filter(pk=class_id, school=destination).first()
    if school_class is None:
        return [Violation(code="unknown_class", field="to_class", message="转入班级不存在于转入学校,请重新选择或留空")]
    if school_class.grade != grade:
        return [Violation(code="class_grade_mismatch", field="to_class", article=A20,
                          message=f"转入班级“{school_class}”不是学生所在年级,转学不得变更就读年级({A20})")]
    return [v for v in check_class_room(school_class) if v.severity == "error"]


# ---------------------------------------------------------------- transfer: within the registry


def _source(ctx) -> School:
    return ctx.student.school


def check_internal(ctx) -> list[Violation]:
    payload, student = ctx.payload, ctx.student
    found = shape_problems(payload)
    if found:
        return found
    destination = ctx.application.school if ctx.application is not None else ctx.actor.school
    source = _source(ctx)
    if destination.pk == source.pk:
        return [Violation(code="transfer_same_school", field="student", article=A17,
                          message=f"该学生已在{destination.name}就读,无需转学({A17})")]
    if payload.get("from_school") and payload["from_school"] != source.pk:
        return [Violation(code="transfer_source_changed", field="student", article=A18,
                          message="申请提交后该学生的学籍已转到其他学校,请驳回本申请后重新申请")]
    # 第八条: a merged or closed school takes no transfer in.
    found += closed_school_problems(destination.name, destination.closed_on, destination.closure, act="转入学生")
    has_private = facts.has_private_school_for(destination, student.grade, besides=source)
    found += rules.check_transfer(
        facts.student_facts(student, timezone.localdate()), facts.school_facts(source),
        facts.school_facts(destination), **rule_arguments(ctx, has_private))
    return found + class_problems(payload, destination, student.grade)


def steps_internal(application) -> list[StepSpec]:
    sending = School.objects.get(pk=application.payload.get("from_school") or application.student.school_id)
    return chain(application, {"receiving": application.school, "sending": sending})


def apply_internal(application, actor) -> None:
    from xueji.transfers.services import complete_internal

    complete_internal(application, actor)


def _start_with_identity(*args, **kwargs):
    """The receiving school's filing, identified by number + name + ID (the API's POST /applications)."""
    from xueji.transfers.services import start_transfer

    return start_transfer(*args, **kwargs)


register(ChangeType(
    code="transfer", label="转学", article="第十七条", needs_evidence=True,
    steps=steps_internal, check=check_internal, apply=apply_internal,
    extra={"receiving": True, "start_with_identity": _start_with_identity},
))


# ---------------------------------------------------------------- transfer_out: to a registry outside this one


def destination_problems(destination) -> list[Violation]:
    if not isinstance(destination, dict):
        return [Violation(code="destination_required", field="destination",
                          message="请填写转入学校:学校名称、所在县级行政区划代码、办学类型,中等职业学校另行勾选")]
    found = []
    if not str(destination.get("name") or "").strip():
        found.append(Violation(code="required", field="destination.name", message="请填写转入学校名称"))
    if not destination.get("vocational") and codes.school_type_code(destination.get("school_type")) is None:
        found.append(Violation(code="destination_type_required", field="destination.school_type", article=A20,
                               message=f"请填写转入学校的办学类型代码(如 211 小学、311 初级中学、342 高级中学;"
                                       f"中等职业学校请勾选“转入中等职业学校”),以核对同级互转({A20})"))
    county = str(destination.get("county_code") or "")
    if not (len(county) == 6 and is_digits(county)):
        found.append(Violation(code="invalid_division", field="destination.county_code",
                               message="请填写转入学校所在县(区)的6位行政区划代码"))
    return found


def check_outgoing(ctx) -> list[Violation]:
    payload, student = ctx.payload, ctx.student
    destination = payload.get("destination")
    found = shape_problems(payload) + destination_problems(destination)
    if found:
        return found
    target = facts.outside_facts(destination)
    if target.province_code == get_policy().code and not target.vocational:
        return [Violation(code="transfer_destination_in_registry", field="destination", article=A18,
                          message=f"转入学校在本省学籍系统内:请由转入学校的学籍管理员发起转入申请({A18})")]
    has_private = bool(payload.get("destination_has_private_high_school", True))
    return rules.check_transfer(
        facts.student_facts(student, timezone.localdate()), facts.school_facts(student.school), target,
        **rule_arguments(ctx, has_private))


def apply_outgoing(application, actor) -> None:
    from xueji.transfers.services import complete_outgoing

    complete_outgoing(application, actor)


register(ChangeType(
    code="transfer_out", label="转出(省外或中等职业学校)", article="第十八条", needs_evidence=True,
    steps=lambda app: chain(app, {"sending": app.school}), check=check_outgoing, apply=apply_outgoing,
))


# ---------------------------------------------------------------- transfer_in: from another province


def check_incoming(ctx) -> list[Violation]:
    from xueji.transfers.package import package_student_facts
    from xueji.transfers.selectors import incoming_package

    payload, student = ctx.payload, ctx.student
    found = shape_problems(payload)
    package = incoming_package(student)
    if package is None:
        found.append(Violation(code="transfer_package_missing", field="student", article=A18,
                               message="该学生没有导入的跨省转学数据包,请先导入转出省份出具的数据包"))
    if found:
        return found
    destination = ctx.application.school if ctx.application is not None else ctx.actor.school
    source = facts.outside_facts(package.body.get("source_school") or {})
    closed = closed_school_problems(destination.name, destination.closed_on, destination.closure, act="转入学生")
    has_private = facts.has_private_school_for(destination, student.grade)
    return closed + rules.check_transfer(package_student_facts(package.body), source,
                                         facts.school_facts(destination), **rule_arguments(ctx, has_private))


def apply_incoming(application, actor) -> None:
    from xueji.transfers.services import complete_incoming

    complete_incoming(application, actor)


register(ChangeType(
    code="transfer_in", label="跨省转入", article="第十八条", needs_evidence=True,
    steps=lambda app: chain(app, {"receiving": app.school}), check=check_incoming, apply=apply_incoming,
    # Filed at the receiving school, also for a student of this registry coming back (his record, 转出, still
    # sits at the school he left, which the receiving school cannot see).
    extra={"receiving": True},
))
