"""The public student-number query: name + ID (or name + 学籍号) → that one student's number, school, grade, status.

Who may learn what (第四十四条: the registry gives nothing out without approval; a family may know its own child's
number):
  - the answer carries the 学籍号 (masked when it is a G number, which is the ID itself), the school's name, the
    grade and the status word; nothing else, for anyone, logged in or not;
  - "no such ID" and "wrong name for this ID" are one answer: the same status and bytes, after the same work (one
    indexed query, a constant-time comparison of keyed name hashes, the same counters and the same audit row);
  - per source address: XUEJI_LOOKUP_PER_MINUTE queries a minute, then 429 until the minute is over; refused
    queries beyond the limit cost one counter update each (the first of them is audited) and never read a
    student; after XUEJI_LOOKUP_CAPTCHA_AFTER failures from an address each further query needs a captcha;
  - per ID: XUEJI_LOOKUP_ID_FAILURES failures lock that ID for XUEJI_LOOKUP_ID_LOCK_MINUTES, from any address;
  - every admitted query is audited with a keyed hash of the ID, never the ID itself.
"""

import hashlib
import hmac
import time

from django.conf import settings

from xueji.audit import services as audit
from xueji.core.errors import ServiceError
from xueji.core.masking import mask_student_number
from xueji.policy.fields import GRADE_LABELS
from xueji.policy.violations import Violation

from . import captcha, limits, selectors
from .inputs import LookupQuery, name_form

ACTION = "public.lookup"
MINUTE = 60

Scope = limits.Scope


class LookupMiss(ServiceError):
    """Nothing matches: the one answer for an unknown ID and for a wrong name (HTTP 404)."""

    status = 404
    summary = "未查到相符的学籍"
    default_code = "lookup_no_match"

    def __init__(self):
        super().__init__(Violation(
            code=self.default_code,
            message="未查到与所填姓名和身份证件号(或学籍号)相符的学籍。请核对后再试;"
                    "多次查询不到时该证件号将暂停查询,请向孩子就读的学校咨询"))


class LookupLimited(ServiceError):
    """Too many queries from this address or failures for this ID: wait (HTTP 429 with Retry-After)."""

    status = 429
    summary = "查询过于频繁"
    default_code = "lookup_throttled"

    def __init__(self, message: str, retry_after: int):
        self.retry_after = retry_after
        super().__init__(Violation(code=self.default_code, message=message))


class CaptchaRequired(ServiceError):
    """The address has failed several times: each query now needs a solved captcha (HTTP 429, no wait)."""

    status = 429
    summary = "请先完成验证"
    default_code = "captcha_required"

    def __init__(self, wrong: bool):
        message = ("验证码答案不对或已失效,请换一题重新计算" if wrong else
                   "查询不到的次数较多,请先完成验证:计算图中算式,填写答案后再查询")
        super().__init__(Violation(code=self.default_code, field="captcha_answer", message=message))


def _wait_words(seconds: int) -> str:
    return f"{seconds}秒" if seconds < 120 else f"{-(-seconds // 60)}分钟"


def lookup(query: LookupQuery, *, address: str, actor=None, captcha_token: str | None = None,
           captcha_answer: str | None = None) -> dict:
    """The answer for one student, or LookupMiss / LookupLimited / CaptchaRequired."""
    now = int(time.time())
    address = (address or "unknown")[:45]
    _admit_address(query, address, actor, now)
    failure_window = settings.XUEJI_LOOKUP_FAILURE_WINDOW_MINUTES * MINUTE
    counts = limits.read([(Scope.ID_FAILURES, query.fingerprint), (Scope.ADDRESS_FAILURES, address)],
                         now=now, window=failure_window)
    _refuse_locked_id(query, counts.get((Scope.ID_FAILURES, query.fingerprint)), address, actor, now)
    address_failures = counts.get((Scope.ADDRESS_FAILURES, address))
    if address_failures and address_failures.hits >= settings.XUEJI_LOOKUP_CAPTCHA_AFTER:
        if not captcha.redeem(captcha_token, captcha_answer, now=now):
            _audit(actor, query, address, "locked", {"result": "limited", "limit": "captcha", "captcha_given": bool(captcha_token)})
            raise CaptchaRequired(wrong=bool(captcha_token))
    student = selectors.candidate(query)
    if not _same_name(student, query.name):
        _count_failure(query, address, now, failure_window)
        _audit(actor, query, address, "failed", {"result": "not_found"})
        raise LookupMiss()
    _audit(actor, query, address, "ok", {"result": "found", "student": student.pk})
    return answer(student)


# Addresses over their limit, as this process saw them: a flood is refused without touching the database.
blocked_addresses = limits.KnownBlocks()


def _admit_address(query: LookupQuery, address: str, actor, now: int) -> None:
    limit = settings.XUEJI_LOOKUP_PER_MINUTE
    until = blocked_addresses.until(address, now)
    if until:
        raise _address_limited(limit, until - now)
    count = limits.count(Scope.ADDRESS, address, now=now, window=MINUTE)
    if count.hits <= limit:
        return
    blocked_addresses.remember(address, count.started_at + MINUTE)
    if count.hits == limit + 1:
        # Only the first refusal of the minute is audited (with the limit that was hit); later ones are counted
        # in the address's row by the other workers' first refusals, or not at all once a worker remembers.
        _audit(actor, query, address, "locked", {"result": "limited", "limit": "address", "per_minute": limit})
    raise _address_limited(limit, count.seconds_left(MINUTE, now))


def _address_limited(limit: int, wait: int) -> LookupLimited:
    return LookupLimited(f"本机查询过于频繁(每分钟最多{limit}次),请于{_wait_words(wait)}后再试", wait)


def _refuse_locked_id(query: LookupQuery, count, address: str, actor, now: int) -> None:
    if count is None or count.blocked_until <= now:
        return
    wait = count.blocked_until - now
    _audit(actor, query, address, "locked", {"result": "limited", "limit": "id"})
    raise LookupLimited(f"该证件号(学籍号)查询不到的次数过多,已暂停查询,请于{_wait_words(wait)}后再试;"
                        "如确认所填无误,请向孩子就读的学校咨询", wait)


def _count_failure(query: LookupQuery, address: str, now: int, window: int) -> None:
    limits.count(Scope.ADDRESS_FAILURES, address, now=now, window=window)
    failures = limits.count(Scope.ID_FAILURES, query.fingerprint, now=now, window=window)
    if failures.hits >= settings.XUEJI_LOOKUP_ID_FAILURES:
        limits.block(Scope.ID_FAILURES, query.fingerprint, until=now + settings.XUEJI_LOOKUP_ID_LOCK_MINUTES * 60)


def _name_digest(name: str) -> bytes:
    return hashlib.sha256(name.encode()).digest()


def _same_name(student, name: str) -> bool:
    # With no record, a name no one can type stands in: that path does the same folding and hashing.
    on_record = _name_digest(name_form(student.name if student is not None else "\x00"))
    # Fixed-length digests compared in constant time: neither the length nor the first differing character of
    # the recorded name shows in the answer's timing.
    return hmac.compare_digest(on_record, _name_digest(name)) and student is not None


def answer(student) -> dict:
    """The four things a family may learn; a G number is masked like the ID it contains (第四十四条)."""
    return {
        "student_number": mask_student_number(student.student_number),
        "school": student.school.name,
        "grade": GRADE_LABELS.get(student.grade, f"{student.grade}年级"),
        "status": student.get_status_display(),
    }


def _audit(actor, query: LookupQuery, address: str, outcome: str, details: dict) -> None:
    audit.record(actor, ACTION, object_type="lookup_key", object_id=query.fingerprint, outcome=outcome,
                 details={"by": query.by, **details}, source_ip=address)


def captcha_needed(address: str) -> bool:
    """Whether the next query from this address must carry a solved captcha (the page shows one at once)."""
    now = int(time.time())
    address = (address or "unknown")[:45]
    window = settings.XUEJI_LOOKUP_FAILURE_WINDOW_MINUTES * MINUTE
    count = limits.read([(Scope.ADDRESS_FAILURES, address)], now=now, window=window).get(
        (Scope.ADDRESS_FAILURES, address))
    return bool(count and count.hits >= settings.XUEJI_LOOKUP_CAPTCHA_AFTER)
