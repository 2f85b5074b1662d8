"""Transfers: identifying the student at the receiving school, filing the three kinds of transfer, applying a
completed one to the record, importing another province's package, and the archive hand-over.

Each write takes the acting user and audits in its transaction. The rules are the policy's
(xueji.policy.changes.transfer), called by the change types in xueji/transfers/change_types.py.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from xueji.applications import services as applications
from xueji.applications.engine import transition
from xueji.applications.models import Application
from xueji.audit import services as audit
from xueji.core.errors import Conflict, Forbidden, NotFound, RuleViolation, ServiceError
from xueji.core.inputs import MAX_ID, parse_int
from xueji.core.masking import mask_id, mask_student_number
from xueji.policy.changes.reasons import PROOF_KIND, TRANSFER_REASONS
from xueji.policy.changes.transfer import archive_handover_due, check_archive_receipt
from xueji.policy.changes.transitions import SENDING_ENROLMENT_EXIT
from xueji.policy.fields import GRADE_LABELS
from xueji.policy.province import get_policy
from xueji.policy.student_number import validate_student_number
from xueji.policy.violations import Violation
from xueji.students import numbers
from xueji.students.models import Enrolment, StatusEvent, Student, StudentNumber
from xueji.students.selectors import NUMBER_LIKE
from xueji.students.services import create_student, student_data

from . import package as packages
from .models import ArchiveHandover, TransferPackage
from .selectors import find_handover

ENTRY_TRANSFER, ENTRY_CROSS_PROVINCE = "转入", "跨省转入"
PAYLOAD_KEYS = ("transfer_reason", "from_division", "to_division", "to_grade", "to_class", "mid_term_exception",
                "sat_proficiency_exam", "record_moves", "destination", "destination_has_private_high_school")
TRUE_WORDS = ("1", "true", "on", "yes", "是")


# ---------------------------------------------------------------- identifying the student (receiving school)


def _school_registrar(actor, what: str) -> None:
    if getattr(actor, "role", "") != "registrar" or not actor.school_id:
        raise Forbidden(f"{what}由转入学校的学籍管理员办理")


# Refused look-ups an account may make in an hour: enough for typing mistakes, too few to guess records.
LOOKUP_FAILURES_PER_HOUR = 20


class TooManyLookups(ServiceError):
    status = 429
    summary = "查询过于频繁"
    default_code = "rate_limited"


def _throttle(actor) -> None:
    from xueji.audit.models import AuditEvent

    since = timezone.now() - datetime.timedelta(hours=1)
    failures = AuditEvent.objects.filter(actor=actor, action="transfer.lookup", outcome="denied", at__gte=since)
    if failures.count() >= LOOKUP_FAILURES_PER_HOUR:
        raise TooManyLookups(f"一小时内核对不符已达{LOOKUP_FAILURES_PER_HOUR}次,请核对监护人提供的材料后稍后再试")


def lookup(actor, *, student_number: str, name: str, id_number: str) -> Student:
    """The student the guardian's papers name, when number, name and ID number all match one record.

    The receiving registrar cannot browse another county's students: a mismatch says nothing about which part
    failed, and every attempt, found or not, is audited (第四十四条).
    """
    _school_registrar(actor, "转入申请核对学生身份")
    _throttle(actor)
    number = (student_number or "").strip().upper()
    name = (name or "").strip()
    id_number = (id_number or "").strip().upper()
    missing = [Violation(code="required", field=field, message=f"请填写{label}")
               for field, label, value in (("student_number", "学籍号", number), ("name", "姓名", name),
                                           ("id_number", "身份证件号", id_number)) if not value]
    if missing:
        raise RuleViolation(missing)
    student = None
    if NUMBER_LIKE.match(number):
        alias = StudentNumber.objects.filter(number=number).select_related("student").first()
        student = alias.student if alias else None
    if student is None or student.name != name or (student.id_number or "").upper() != id_number:
        raise NotFound("未找到学籍号、姓名、身份证件号同时相符的学生,请核对监护人提供的材料",
                       actor=actor, action="transfer.lookup", object_type="student", object_id=number[:40],
                       reason="学籍号、姓名、身份证件号不相符或不存在")
    audit.record(actor, "transfer.lookup", obj=student, reason="转入申请核对学生身份")
    return student


def masked_summary(student: Student) -> dict:
    """What the receiving registrar may see before the transfer: enough to fill the form, nothing more."""
    school = student.school
    return {
        "student_number": mask_student_number(student.student_number), "name": student.name,
        "gender": student.gender, "birth_year": student.birth_date.year, "id_number": mask_id(student.id_number),
        "status": student.status, "grade": student.grade,
        "grade_label": GRADE_LABELS.get(student.grade, str(student.grade)),
        "school": school.code, "school_name": school.name, "county_name": school.county.name,
    }


# ---------------------------------------------------------------- filing


def clean_payload(raw: dict) -> dict:
    """The transfer fields of a form or JSON body in the types the change type checks; unknown keys dropped."""
    payload = {k: raw[k] for k in PAYLOAD_KEYS if k in raw and raw[k] not in (None, "")}
    for key in ("to_grade", "to_class"):
        value = payload.get(key)
        number = parse_int(value, 0, MAX_ID) if isinstance(value, str) else None
        if number is not None:
            payload[key] = number
    for key in ("mid_term_exception", "sat_proficiency_exam", "record_moves", "destination_has_private_high_school"):
        if isinstance(payload.get(key), str):
            payload[key] = payload[key].strip().lower() in TRUE_WORDS
    for key in ("from_division", "to_division", "transfer_reason"):
        if isinstance(payload.get(key), str):
            payload[key] = payload[key].strip()
    return payload


def check_evidence_kinds(evidence: list[tuple[str, object]]) -> None:
    unknown = sorted({kind for kind, _f in evidence if kind not in PROOF_KIND})
    if unknown:
        raise RuleViolation([Violation(code="unknown_proof_kind", field=f"evidence.{kind}",
                                       message=f"证明材料类型“{kind}”不存在,转学可用:"
                                               f"transfer_form、hukou_transfer、work_change 等")
                             for kind in unknown])


def start_transfer(actor, *, student_number: str, name: str, id_number: str, payload: dict, reason: str = "",
                   evidence: list | None = None) -> Application:
    """The receiving registrar files a transfer (第十八条) for the student the papers identify."""
    evidence = evidence or []
    check_evidence_kinds(evidence)
    student = lookup(actor, student_number=student_number, name=name, id_number=id_number)
    data = clean_payload(payload)
    data.pop("destination", None)
    data.update(from_school=student.school_id, from_school_name=student.school.name)
    return applications.submit(actor, "transfer", student, data, reason=reason, evidence=evidence)


def start_outgoing(actor, student: Student, *, payload: dict, reason: str = "",
                   evidence: list | None = None) -> Application:
    """The sending registrar files a transfer to another province or a 中等职业学校 (outside this registry)."""
    evidence = evidence or []
    check_evidence_kinds(evidence)
    data = clean_payload(payload)
    if isinstance(data.get("destination"), dict):
        data["destination"] = clean_destination(data["destination"])
    return applications.submit(actor, "transfer_out", student, data, reason=reason, evidence=evidence)


def clean_destination(raw: dict) -> dict:
    keep = ("name", "code", "county_code", "school_type", "ownership", "provincial_model", "vocational")
    destination = {k: raw[k] for k in keep if raw.get(k) not in (None, "")}
    for key in ("provincial_model", "vocational"):
        if isinstance(destination.get(key), str):
            destination[key] = destination[key].strip().lower() in TRUE_WORDS
    for key in ("name", "code", "county_code", "school_type", "ownership"):
        if isinstance(destination.get(key), str):
            destination[key] = destination[key].strip()
    return destination


# ---------------------------------------------------------------- applying a completed transfer


def snapshot(student: Student, **extra) -> dict:
    """The record as the school held it at the moment it left: what that school keeps reading afterwards."""
    school_class = student.school_class
    data = packages.plain(student_data(student))
    data.update({
        "student_number": student.student_number, "status": student.status,
        "school": student.school_id, "school_name": student.school.name,
        "grade": student.grade, "grade_label": GRADE_LABELS.get(student.grade, str(student.grade)),
        "school_class": student.school_class_id, "class_name": school_class.name if school_class else None,
        "taken_at": timezone.now().isoformat(), **extra,
    })
    return data


def close_enrolment(student: Student, day: datetime.date, **extra) -> Enrolment:
    """End the stay at the current school with the exit 转出 and freeze the record in its snapshot."""
    enrolment = (Enrolment.objects.select_for_update()
                 .filter(student=student, school=student.school, ended_on__isnull=True)
                 .order_by("-started_on", "-id").first())
    if enrolment is None:
        # A record older than enrolments: its stay is written now so the school still has its part.
        enrolment = Enrolment(student=student, school=student.school, grade=student.grade,
                              school_class=student.school_class,
                              started_on=timezone.localdate(student.created_at), entry_reason="")
    enrolment.ended_on = day
    enrolment.exit_reason = SENDING_ENROLMENT_EXIT
    enrolment.snapshot = snapshot(student, **extra)
    enrolment.save()
    return enrolment


def _reason_label(payload: dict) -> str:
    reason = TRANSFER_REASONS.get(payload.get("transfer_reason") or "")
    return reason.label if reason else ""


def complete_internal(application: Application, actor) -> None:
    """The last approval of a transfer inside the registry: the record moves school and keeps its history."""
    student, receiving = application.student, application.school
    sending = student.school
    today = timezone.localdate()
    payload = application.payload
    if payload.get("record_moves", True) is False:
        # 第二十一条: a special-education or 工读 placement may leave the record at the original school.
        transition(student, "transfer", actor=actor, application=application,
                   note=f"转入{receiving.name}就读,学籍保留在{sending.name}(第二十一条)")
        return
    close_enrolment(student, today, to_school=receiving.code, to_school_name=receiving.name)
    school_class = None
    if isinstance(payload.get("to_class"), int):
        school_class = receiving.classes.filter(pk=payload["to_class"]).first()
    before_class = student.school_class_id
    student.school, student.school_class = receiving, school_class
    student.save(update_fields=["school", "school_class", "updated_at"])
    Enrolment.objects.create(student=student, school=receiving, grade=student.grade, school_class=school_class,
                             started_on=today, entry_reason=ENTRY_TRANSFER)
    transition(student, "transfer", actor=actor, application=application,
               note=f"由{sending.name}转入{receiving.name}:{_reason_label(payload)}"[:500],
               changes={"school": [sending.code, receiving.code], "school_name": [sending.name, receiving.name],
                        "school_class": [before_class, student.school_class_id]})
    _handover(application, student, today, sending=sending, receiving=receiving)
    audit.record(actor, "transfer.complete", obj=student,
                 details={"application": application.pk, "from": sending.code, "to": receiving.code})


def complete_outgoing(application: Application, actor) -> None:
    """The last approval of a transfer out of the registry: 转出, the stay closed, a package issued."""
    student, sending = application.student, application.school
    destination = application.payload.get("destination") or {}
    today = timezone.localdate()
    close_enrolment(student, today, to_school=destination.get("code") or "", to_school_name=destination.get("name"))
    transition(student, "transfer_out", actor=actor, application=application,
               note=f"转出至{destination.get('name')}:{_reason_label(application.payload)}"[:500],
               changes={"school_name": [sending.name, destination.get("name")]})
    _handover(application, student, today, sending=sending, receiving=None,
              receiving_name=destination.get("name") or "")
    body = packages.build(application, sending, completed_on=today)
    TransferPackage.objects.create(
        direction=TransferPackage.Direction.OUT, application=application, student=student,
        version=body["version"], province_from=body["province_from"], province_to=body["province_to"],
        body=body, sha256=body["sha256"], created_by=actor)
    audit.record(actor, "transfer.complete", obj=student,
                 details={"application": application.pk, "from": sending.code, "to": destination.get("name"),
                          "package": body["sha256"]})


def complete_incoming(application: Application, actor) -> None:
    """The last approval of an arrival from another province: the record is 在籍 at the receiving school.

    Student numbers: a G number is issued as "G" + the 居民身份证 number in every province and is the person's
    for life (第十一条), so a package's G number is the number the student keeps, even when his ID was corrected
    since. A J or L number was drawn from the other province's
    divisions; it stays as an earlier number of the record (searches find it) and the record gets a number
    here by this registry's rules (G for a valid ID, otherwise J). A student coming back keeps his own number.
    """
    from .selectors import incoming_package

    student, receiving = application.student, application.school
    package = incoming_package(student)
    body = package.body if package else {}
    source_name = (body.get("source_school") or {}).get("name") or "外省学校"
    today = timezone.localdate()
    changes = {"school_name": [source_name, receiving.name]}
    if student.school_id != receiving.pk:
        # A student who had left this registry (转出) comes back: his own record moves to the new school.
        changes["school"] = [student.school_id, receiving.pk]
        school_class = None
        if isinstance(application.payload.get("to_class"), int):
            school_class = receiving.classes.filter(pk=application.payload["to_class"]).first()
        student.school, student.school_class, student.photo_retake_needed = receiving, school_class, True
        student.save(update_fields=["school", "school_class", "photo_retake_needed", "updated_at"])
        Enrolment.objects.create(student=student, school=receiving, grade=student.grade,
                                 school_class=school_class, started_on=today, entry_reason=ENTRY_CROSS_PROVINCE)
    _keep_earlier_number(student, str((body.get("student") or {}).get("student_number") or ""))
    if not student.student_number:
        numbers.issue_number(student)
    transition(student, "transfer_in", actor=actor, application=application,
               note=f"由{packages.describe_source(body)}跨省转入{receiving.name}"[:500], changes=changes)
    _handover(application, student, today, sending=None, receiving=receiving, sending_name=source_name)
    audit.record(actor, "transfer.complete", obj=student,
                 details={"application": application.pk, "to": receiving.code,
                          "package": package.sha256 if package else None})


def _keep_earlier_number(student: Student, number: str) -> None:
    number = number.upper()
    if not NUMBER_LIKE.match(number) or StudentNumber.objects.filter(number=number).exists():
        return
    if number.startswith("G"):
        # 第十一条 终身不变: a G number is the person's for life, also when it no longer spells his ID (the ID was
        # corrected after it was issued): it stays his number here, instead of being dropped for a new one.
        if not student.student_number and not validate_student_number(number):
            StudentNumber.objects.create(number=number, student=student, kind="G")
            student.student_number = number
            student.save(update_fields=["student_number", "updated_at"])
        return
    StudentNumber.objects.create(number=number, student=student, kind=number[0], replaced_at=timezone.now())


def _handover(application, student, completed_on, *, sending, receiving, sending_name="", receiving_name=""):
    ArchiveHandover.objects.create(
        application=application, student=student,
        from_school=sending, from_school_name=(sending.name if sending else sending_name)[:100],
        to_school=receiving, to_school_name=(receiving.name if receiving else receiving_name)[:100],
        due_date=archive_handover_due(completed_on))


# ---------------------------------------------------------------- a package from another province


def import_package(actor, body, *, payload: dict, reason: str = "", evidence: list | None = None) -> Application:
    """The receiving registrar accepts another province's package: a new record opens here awaiting the receiving
    leader's and authority's approval (第十八条), or a student who had left this registry (转出) gets his own
    record back (第十四条: one record per person). Nothing is written when any check refuses."""
    _school_registrar(actor, "跨省转入")
    evidence = evidence or []
    check_evidence_kinds(evidence)
    problems = packages.verify(body)
    if problems:
        raise RuleViolation(problems)
    if body["province_from"] == get_policy().code:
        raise RuleViolation(Violation(
            code="package_same_province", field="province_from", article="第十八条",
            message="本省学校之间转学不用数据包:请由转入学校在系统中发起转入申请(第十八条)"))
    returning = _earlier_record(body)
    data = clean_payload(payload)
    data.pop("destination", None)
    with transaction.atomic():
        student = returning or _open_record(actor, body, data)
        package = TransferPackage.objects.create(
            direction=TransferPackage.Direction.IN, student=student, version=body["version"],
            province_from=body["province_from"], province_to=get_policy().code, body=body,
            sha256=body["sha256"], created_by=actor)
        StatusEvent.objects.create(
            student=student, kind="导入跨省转学数据包", from_status=student.status, to_status=student.status,
            school=actor.school, actor=actor,
            note=f"由{packages.describe_source(body)}转入,原学籍号{body['student'].get('student_number') or '无'}"[:500])
        application = applications.submit(actor, "transfer_in", student, data, reason=reason, evidence=evidence)
        package.application = application
        package.save(update_fields=["application"])
        audit.record(actor, "transfer.package_import", obj=student,
                     details={"sha256": body["sha256"], "province_from": body["province_from"],
                              "application": application.pk, "returning": returning is not None})
    return application


def _open_record(actor, body: dict, data: dict) -> Student:
    """A new 待注册 record at the actor's school from the package's items; the photo is taken again here."""
    raw = packages.record_for_import(body)
    if isinstance(data.get("to_class"), int):
        raw["school_class"] = data["to_class"]
    student = create_student(actor, actor.school, raw)
    Student.objects.filter(pk=student.pk).update(photo_retake_needed=True)
    Enrolment.objects.filter(student=student, ended_on__isnull=True).update(entry_reason=ENTRY_CROSS_PROVINCE)
    return student


def _earlier_record(body: dict) -> Student | None:
    """第十四条: one record per person. The same package twice, or an ID number (for a student without one: name,
    gender and birth date) already registered here, is refused, except the record of a student who left this
    registry (转出) under the same name: he comes back to it."""
    if TransferPackage.objects.filter(direction=TransferPackage.Direction.IN, sha256=body["sha256"]).exists():
        raise Conflict(Violation(code="package_already_imported", field="package",
                                 message="该转学数据包已经导入过,请勿重复导入"))
    record = body["student"]
    id_type, id_number = str(record.get("id_type") or ""), str(record.get("id_number") or "").upper()
    if id_number and id_type != "Z":
        found = Student.objects.filter(id_type=id_type, id_number=id_number).first()
    else:
        birth = _date(record.get("birth_date"))
        found = birth and Student.objects.filter(name=record.get("name"), gender=str(record.get("gender") or ""),
                                                 birth_date=birth).first()
    if not found:
        return None
    if found.status == "转出" and found.name == record.get("name"):
        return found
    raise Conflict(Violation(code="duplicate_id", field="student.id_number", article="第十四条",
                             message="该学生已在本省登记学籍,不得重复建立(第十四条);请核实后由转入学校办理省内转学"))


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


# ---------------------------------------------------------------- the archive hand-over (第二十二条)


def mark_sent(actor, handover_id: int) -> ArchiveHandover:
    return _confirm(actor, handover_id, side="sent")


def mark_received(actor, handover_id: int) -> ArchiveHandover:
    return _confirm(actor, handover_id, side="received")


def _confirm(actor, handover_id: int, *, side: str) -> ArchiveHandover:
    """The sending registrar marks the archive sent; the receiving registrar marks it received."""
    find_handover(actor, handover_id)
    with transaction.atomic():
        item = ArchiveHandover.objects.select_for_update().get(pk=handover_id)
        school_id = item.from_school_id if side == "sent" else item.to_school_id
        who = "转出" if side == "sent" else "转入"
        if actor.role != "registrar" or school_id is None or actor.school_id != school_id:
            raise Forbidden(f"档案{'寄出' if side == 'sent' else '接收'}由{who}学校的学籍管理员确认")
        if getattr(item, f"{side}_at") is not None:
            raise Conflict(Violation(code=f"already_{side}",
                                     message=f"档案已于{timezone.localtime(getattr(item, f'{side}_at')):%Y-%m-%d}确认"
                                             f"{'寄出' if side == 'sent' else '接收'}"))
        if side == "received":
            refused = check_archive_receipt(sent=item.sent_at is not None,
                                            sender_in_registry=item.from_school_id is not None)
            if refused:
                raise RuleViolation(refused)
        setattr(item, f"{side}_at", timezone.now())
        setattr(item, f"{side}_by", actor)
        item.save(update_fields=[f"{side}_at", f"{side}_by"])
        audit.record(actor, f"handover.{side}", obj=item, details={"student": item.student_id})
    return item

