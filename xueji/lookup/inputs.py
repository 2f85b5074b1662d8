"""What a family typed, read into one query or refused with a message naming the field (HTTP 400).

An ID is taken however it is typed (a lower-case x, spaces, full-width digits) and checked by GB 11643 before any
database work; a wrong check digit is a typing slip to point out, and reveals nothing about who is registered.
"""

import hashlib
import hmac
import unicodedata
from dataclasses import dataclass

from django.conf import settings

from xueji.core.errors import ServiceError
from xueji.policy.idcard import normalize_id, validate_resident_id
from xueji.policy.student_number import validate_student_number
from xueji.policy.violations import Violation, errors_only

NAME_MAX = 50  # the record's own limit (Student.name)
RAW_MAX = 64  # far beyond an 18-character ID or a 19-character number with spaces in between


@dataclass(frozen=True)
class LookupQuery:
    name: str  # normalised for the comparison (name_form)
    by: str  # "id_number" or "student_number"
    value: str  # the normalised ID or number

    @property
    def fingerprint(self) -> str:
        """A keyed hash of the ID or number: the counters and the audit log match repeated probes of the same
        one without ever holding it in clear (第四十四条)."""
        return hmac.new(_hash_key(), f"{self.by}:{self.value}".encode(), hashlib.sha256).hexdigest()[:40]


def _hash_key() -> bytes:
    base = settings.XUEJI_AUDIT_KEY or settings.SECRET_KEY
    return hmac.new(base.encode(), b"xueji-lookup-id", hashlib.sha256).digest()


def name_form(raw: object) -> str:
    """A name as compared: full-width letters folded (NFKC), blanks dropped, Latin letters in one case."""
    return "".join(unicodedata.normalize("NFKC", str(raw or "")).split()).casefold()


def bad_input(field: str | None, code: str, message: str) -> ServiceError:
    return ServiceError(Violation(code=code, field=field, message=message), summary="请求有误")


def read_query(name: object, id_number: object = None, student_number: object = None) -> LookupQuery:
    """The query, or a 400 naming the first field to fix."""
    if not isinstance(name, str) or not name.strip():
        raise bad_input("name", "name_required", "请填写学生姓名(name)")
    if len(name) > NAME_MAX * 2 or len(name_form(name)) > NAME_MAX:
        raise bad_input("name", "name_too_long", f"学生姓名(name)不能超过{NAME_MAX}个字")
    has_id, has_number = _given(id_number), _given(student_number)
    if has_id == has_number:
        raise bad_input("id_number", "id_or_number_required",
                        "请填写学生的身份证件号(id_number)或学籍号(student_number)二者之一")
    if has_id:
        return LookupQuery(name_form(name), "id_number", _read_id(id_number))
    return LookupQuery(name_form(name), "student_number", _read_number(student_number))


def _given(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _read_id(raw: object) -> str:
    if not isinstance(raw, str) or len(raw) > RAW_MAX:
        raise bad_input("id_number", "id_length", "身份证件号(id_number)应为18位居民身份证号码,请核对")
    number = normalize_id(raw)
    problems = errors_only(validate_resident_id(number, field="id_number"))
    if problems:
        raise ServiceError(problems[0], summary="请求有误")
    return number


def _read_number(raw: object) -> str:
    if not isinstance(raw, str) or len(raw) > RAW_MAX:
        raise bad_input("student_number", "sn_length", "学籍号(student_number)应为19位,请核对")
    number = normalize_id(raw)
    problems = validate_student_number(number)
    if problems:
        raise ServiceError(problems[0], summary="请求有误")
    return number
