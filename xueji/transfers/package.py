"""The portable transfer package (第十八条 跨省转入、转出): the record, its history and the approvals, as one JSON
document that a registry of another province can read without this software.

Format "xueji-transfer-package", version 1:
  format, version         the name and version of this layout
  province_from/_to       6-digit province codes (GB/T 2260); province_to is "" when unknown
  issued_at               ISO 8601 time of issue
  transfer                {application, type, reason, reason_label, article, from_division, to_division, grade,
                           destination: {name, code, county_code, school_type, vocational, ownership, …},
                           completed_on}
  source_school           {code, name, school_type, school_type_label, ownership, provincial_model, vocational,
                           county_code, county_name, city_code, city_name}
  student                 the 48 items of the record under their snake_case names, values as codes (dates as
                          YYYY-MM-DD), plus student_number, status, grade_label, class_name; the photo is not
                          carried (the new school takes a new one)
  family                  up to two members, the 12 family items each (items 49–72)
  numbers                 every student number ever issued: {number, kind G/J/L, issued_at, replaced_at}
  enrolments              every stay at a school: {school, school_name, grade, class_name, started_on, ended_on,
                          entry_reason, exit_reason}
  events                  the status history: {at, kind, from_status, to_status, school, school_name, actor,
                          note, changes}
  approvals               the steps of the transfer: {order, label, org, org_name, role, status, decider,
                          decided_at, comment}
  discipline              measures entered in the archive (记过 and above, 第四十条) and whether one is in force
  evidence                the scans' descriptions {kind, kind_label, original_name, content_type, size, sha256}
  sha256                  SHA-256 (hex) of the UTF-8 JSON of every other key, serialised with sorted keys,
                          separators "," and ":" and non-ASCII characters written as themselves
"""

import datetime
import hashlib
import json
from decimal import Decimal

from django.utils import timezone

from xueji.archive.models import Discipline
from xueji.archive.selectors import is_in_force
from xueji.core.inputs import is_digits, parse_int
from xueji.policy import codes
from xueji.policy.changes.common import StudentFacts
from xueji.policy.changes.reasons import PROOF_KIND, TRANSFER_REASONS
from xueji.policy.fields import GRADE_LABELS
from xueji.policy.province import get_policy
from xueji.policy.violations import Violation
from xueji.students.services import student_data

FORMAT = "xueji-transfer-package"
VERSION = 1
SUPPORTED_VERSIONS = (1,)
REQUIRED = {"student": dict, "family": list, "source_school": dict, "transfer": dict, "numbers": list,
            "enrolments": list, "events": list, "approvals": list}


def plain(value):
    """JSON-ready values: dates as ISO text, decimals as text, containers walked."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def checksum(body: dict) -> str:
    content = {k: v for k, v in body.items() if k != "sha256"}
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def school_json(school) -> dict:
    from .facts import is_vocational_type

    return {
        "code": school.code, "name": school.name, "school_type": school.school_type,
        "school_type_label": school.type_label, "ownership": school.ownership,
        "provincial_model": school.provincial_model, "vocational": is_vocational_type(school.school_type),
        "county_code": school.county_id, "county_name": school.county.name,
        "city_code": school.city_id, "city_name": school.city.name,
    }


def record_json(student) -> tuple[dict, list]:
    """The record's items and its family, as codes."""
    data = plain(student_data(student))
    family = data.pop("family", [])
    data.pop("school_class", None)
    school_class = student.school_class
    data.update({
        "student_number": student.student_number, "status": student.status,
        "grade_label": GRADE_LABELS.get(student.grade, str(student.grade)),
        "class_name": school_class.name if school_class else None,
    })
    return data, family


def _history(student) -> dict:
    return {
        "numbers": [{"number": n.number, "kind": n.kind, "issued_at": plain(n.issued_at),
                     "replaced_at": plain(n.replaced_at)} for n in student.numbers.all()],
        "enrolments": [{"school": e.school_id, "school_name": e.school.name, "grade": e.grade,
                        "class_name": e.school_class.name if e.school_class else None,
                        "started_on": plain(e.started_on), "ended_on": plain(e.ended_on),
                        "entry_reason": e.entry_reason, "exit_reason": e.exit_reason}
                       for e in student.enrolments.select_related("school", "school_class")],
        "events": [{"at": plain(e.at), "kind": e.kind, "from_status": e.from_status, "to_status": e.to_status,
                    "school": e.school_id, "school_name": e.school.name,
                    "actor": e.actor.username if e.actor else "", "note": e.note, "changes": plain(e.changes)}
                   for e in student.events.select_related("school", "actor")],
    }


def _discipline(student) -> dict:
    items = list(Discipline.objects.filter(student=student))
    return {
        "under_discipline": any(is_in_force(d) for d in items),
        "discipline": [{"level": d.level, "reason": d.reason, "decided_on": plain(d.decided_on),
                        "ends_on": plain(d.ends_on), "revoked_on": plain(d.revoked_on)}
                       for d in items if d.in_archive or is_in_force(d)],
    }


def _approvals(application) -> list[dict]:
    return [{"order": s.order, "label": s.label, "org": s.org_code, "org_name": s.org_name, "role": s.role,
             "status": s.status, "decider": s.decider.username if s.decider else None,
             "decided_at": plain(s.decided_at), "comment": s.comment}
            for s in application.steps.select_related("decider").order_by("order")]


def _evidence(application) -> list[dict]:
    rows = []
    for item in application.evidence.all():
        try:
            with item.file.open("rb") as handle:
                digest = hashlib.sha256(handle.read()).hexdigest()
        except (FileNotFoundError, OSError):
            digest = None
        rows.append({"kind": item.kind, "kind_label": PROOF_KIND.get(item.kind, item.kind),
                     "original_name": item.original_name, "content_type": item.content_type,
                     "size": item.size, "sha256": digest})
    return rows


def build(application, source_school, *, completed_on: datetime.date) -> dict:
    """The package of a completed outgoing transfer, checksum included."""
    student, payload = application.student, application.payload
    destination = payload.get("destination") or {}
    county = str(destination.get("county_code") or "")
    reason = payload.get("transfer_reason") or ""
    record, family = record_json(student)
    body = {
        "format": FORMAT, "version": VERSION,
        "province_from": get_policy().code,
        "province_to": f"{county[:2]}0000" if len(county) == 6 else "",
        "issued_at": plain(timezone.now()),
        "transfer": {
            "application": application.pk, "type": application.type, "reason": reason,
            "reason_label": TRANSFER_REASONS[reason].label if reason in TRANSFER_REASONS else "",
            "article": TRANSFER_REASONS[reason].article if reason in TRANSFER_REASONS else None,
            "from_division": payload.get("from_division") or "", "to_division": payload.get("to_division") or "",
            "grade": student.grade, "destination": plain(destination), "completed_on": plain(completed_on),
        },
        "source_school": school_json(source_school),
        "student": record, "family": family,
        **_history(student), **_discipline(student),
        "approvals": _approvals(application), "evidence": _evidence(application),
    }
    body["sha256"] = checksum(body)
    return body


# ---------------------------------------------------------------- reading a package


def verify(body) -> list[Violation]:
    """Why a package cannot be accepted: not this format, an unknown version, missing parts, a broken checksum."""
    if not isinstance(body, dict):
        return [Violation(code="package_malformed", field="package", message="转学数据包须为 JSON 对象")]
    if body.get("format") != FORMAT:
        return [Violation(code="package_format", field="format",
                          message=f"不是转学数据包:format 应为“{FORMAT}”")]
    if body.get("version") not in SUPPORTED_VERSIONS:
        versions = "、".join(str(v) for v in SUPPORTED_VERSIONS)
        return [Violation(code="package_version", field="version",
                          message=f"不支持的数据包版本“{body.get('version')}”,本系统可读取版本:{versions}")]
    found = [Violation(code="package_part_missing", field=key, message=f"数据包缺少“{key}”部分或格式不对")
             for key, kind in REQUIRED.items() if not isinstance(body.get(key), kind)]
    province = str(body.get("province_from") or "")
    if not (len(province) == 6 and is_digits(province)):
        found.append(Violation(code="package_part_missing", field="province_from",
                               message="数据包缺少转出省份代码,请向转出省份索取完整的转学数据包"))
    if found:
        return found
    if body.get("sha256") != checksum(body):
        return [Violation(code="package_checksum", field="sha256",
                          message="数据包校验值不符:内容在出具后被改动或传输不完整,请向转出地重新索取")]
    return []


def package_student_facts(body: dict) -> StudentFacts:
    """The student as the sending registry described him. Its record reads 转出 once its side completed, which
    for the rules here is the enrolled student on the move."""
    student = body.get("student") or {}
    status = student.get("status") or "在籍"
    return StudentFacts(
        grade=parse_int(student.get("grade"), 0, 99) or 0,  # the policy refuses a grade it does not know
        status="在籍" if status == "转出" else status,
        under_discipline=bool(body.get("under_discipline")),
        disabled=str(student.get("disability_type") or "0") not in ("", "0"),
    )


def record_for_import(body: dict) -> dict:
    """The package's record in the shape create_student reads (snake_case names, codes as text)."""
    from xueji.policy.fields import FAMILY_FIELDS, STUDENT_FIELDS

    names = {f.name for f in STUDENT_FIELDS} - {"photo", "school_class"}
    student = body["student"]
    raw = {name: _text(student.get(name)) for name in names if student.get(name) not in (None, "")}
    family_names = {f.name for f in FAMILY_FIELDS}
    raw["family"] = [{k: _text(v) for k, v in member.items() if k in family_names and v not in (None, "")}
                     for member in body.get("family", [])[:2] if isinstance(member, dict)]
    return raw


def _text(value):
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return value if isinstance(value, str) else str(value)


def describe_source(body: dict) -> str:
    school = body.get("source_school") or {}
    label = codes.SCHOOL_TYPE.get(str(school.get("school_type") or ""), "")
    return f"{school.get('name') or '外省学校'}{f'({label})' if label else ''}"
