"""Visiting study (借读, 第二十五–二十七条): filing a stay at the host school, opening it on approval, and ending it.

The rules are the policy's, run by the change types in xueji/visiting/change_types.py. Each write takes
the acting user and audits in its transaction.
"""

from django.utils import timezone

from xueji.applications import services as applications
from xueji.applications.engine import transition
from xueji.applications.models import Application
from xueji.audit import services as audit
from xueji.core.errors import Forbidden, RuleViolation
from xueji.core.inputs import MAX_ID, parse_int
from xueji.policy.changes.reasons import VISITING_COMMON_PROOFS, VISITING_REASONS
from xueji.policy.violations import Violation
from xueji.transfers import services as transfers

from . import selectors
from .change_types import END_REASONS, parse_date
from .models import VisitingStay

PAYLOAD_KEYS = ("visiting_reason", "starts_on", "ends_on", "host_class", "class_reason", "abroad_months")
# The proof kinds a visiting application may carry: the common ones and each reason's own.
PROOF_KINDS = tuple(dict.fromkeys((*VISITING_COMMON_PROOFS,
                                   *(k for r in VISITING_REASONS.values() for k in (*r.proofs, *r.any_of)))))


def clean_payload(raw: dict) -> dict:
    """The stay's fields of a form or JSON body as text or integers; unknown keys dropped."""
    payload = {k: raw[k] for k in PAYLOAD_KEYS if k in raw and raw[k] not in (None, "")}
    for key, value in list(payload.items()):
        if isinstance(value, str):
            payload[key] = value.strip()
    for key in ("host_class", "abroad_months"):
        number = parse_int(payload[key], 0, MAX_ID) if isinstance(payload.get(key), str) else None
        if number is not None:
            payload[key] = number
    return payload


def check_evidence_kinds(evidence: list) -> None:
    unknown = sorted({kind for kind, _f in evidence if kind not in PROOF_KINDS})
    if unknown:
        raise RuleViolation([Violation(code="unknown_proof_kind", field=f"evidence.{kind}",
                                       message=f"证明材料类型“{kind}”不能用于借读,可用:{'、'.join(PROOF_KINDS)}")
                             for kind in unknown])


def start_stay(actor, *, student_number: str, name: str, id_number: str, payload: dict, reason: str = "",
               evidence: list | None = None) -> Application:
    """The host school's registrar files a stay (第二十六条) for the student the guardian's papers identify."""
    evidence = evidence or []
    check_evidence_kinds(evidence)
    # The same identification as a transfer: number + name + ID, throttled and audited (第四十四条).
    student = transfers.lookup(actor, student_number=student_number, name=name, id_number=id_number)
    data = clean_payload(payload)
    data.update(home_school=student.school_id, home_school_name=student.school.name)
    return applications.submit(actor, "visiting", student, data, reason=reason, evidence=evidence)


def open_stay_for(application: Application, actor) -> VisitingStay:
    """On the final approval: the student sits at the host class; the record stays home, 在籍 (第二十七条)."""
    payload, student = application.payload, application.student
    stay = VisitingStay.objects.create(
        student=student, home_school=student.school, host_school=application.school,
        host_class_id=payload["host_class"], grade=student.grade, reason=payload["visiting_reason"],
        started_on=parse_date(payload["starts_on"]), ends_on=parse_date(payload.get("ends_on")),
        application=application)
    reason = VISITING_REASONS[stay.reason].label
    transition(student, "visiting", actor=actor, application=application,
               note=f"在{stay.host_school.name}{stay.host_class.name}借读({reason}),"
                    f"{stay.started_on}至{stay.ends_on},学籍保留在本校(第二十七条)",
               changes={"visiting_at": stay.host_school_id, "host_class": stay.host_class_id,
                        "starts_on": payload["starts_on"], "ends_on": payload.get("ends_on")})
    audit.record(actor, "visiting.open", obj=stay, details={"application": application.pk,
                                                            "host_school": stay.host_school_id})
    return stay


def end_stay(actor, stay_id, *, end_reason: str, note: str = "") -> Application:
    """Either school's registrar files the end of a stay; the host school's leader decides it."""
    stay = selectors.find_stay(actor, stay_id)
    if actor.role != "registrar" or actor.school_id not in (stay.home_school_id, stay.host_school_id):
        raise Forbidden("结束借读由学籍所在学校或借读学校的学籍管理员申请")
    payload = {"stay": stay.pk, "end_reason": (end_reason or "").strip()}
    return applications.submit(actor, "visiting_end", stay.student, payload, reason=note)


def close_stay_for(application: Application, actor) -> VisitingStay:
    stay = VisitingStay.objects.select_for_update().get(student=application.student, ended_on__isnull=True)
    stay.ended_on = timezone.localdate()
    stay.end_reason = application.payload["end_reason"]
    stay.ended_by = application
    stay.save(update_fields=["ended_on", "end_reason", "ended_by"])
    transition(application.student, "visiting_end", actor=actor, application=application,
               note=f"结束在{stay.host_school.name}的借读:{END_REASONS[stay.end_reason]}",
               changes={"visiting_at": stay.host_school_id, "ended_on": stay.ended_on.isoformat(),
                        "end_reason": stay.end_reason})
    audit.record(actor, "visiting.close", obj=stay, details={"application": application.pk,
                                                             "end_reason": stay.end_reason})
    return stay

