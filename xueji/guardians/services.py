"""Guardian accounts (第十一条) and each term's check of the record (第四十三条): writes, each with its audit row.

A school registrar issues a one-time code for a student; the guardian redeems it with the child's name to set up
a login (or, logged in, to add another child); each term he confirms the record or reports named items as wrong,
and the school's registrar handles each report.
"""

import datetime
import secrets
from typing import NoReturn

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from xueji.accounts import throttle
from xueji.accounts.models import Role, User
from xueji.applications.models import Application
from xueji.audit import services as audit
from xueji.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from xueji.core.middleware import current_client_ip
from xueji.policy import guardians as rules
from xueji.policy.province import get_policy
from xueji.policy.violations import Violation
from xueji.students.models import Student
from xueji.students.permissions import StudentPolicy
from xueji.students.selectors import resolve_key
from xueji.workdays.models import Term
from xueji.workdays.services import term_on

from .models import BindingCode, ErrorReport, GuardianLink, TermCheck
from .permissions import GuardianPolicy, ReportPolicy, is_guardian

# No 0/O, 1/I/L: a code read aloud over the phone or copied from paper survives. 31 symbols × 16 ≈ 79 bits.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 16
MAX_CODE_INPUT = 64
NOT_FOUND = "未找到该学生,或该学生不在您的管辖范围内"


class CodeRefused(RuleViolation):
    """A code that binds nothing: wrong, used, voided, expired, or the child's name does not match."""

    def __init__(self):
        super().__init__(rules.code_refused(), summary="绑定码或学生姓名不正确")


# ---------------------------------------------------------------- codes


def _new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalized_code(text: str) -> str:
    """What the guardian typed, without the dashes and spaces the printed code is grouped with."""
    return "".join(ch for ch in (text or "")[:MAX_CODE_INPUT].upper() if ch.isalnum())


def grouped(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def _code_days() -> int:
    return get_policy(settings.XUEJI_PROVINCE).guardian_code_days


def issue_code(actor: User, student: Student) -> tuple[str, BindingCode]:
    """A new code for the student's guardian, shown once; the codes issued before and still unused are voided."""
    if not StudentPolicy.user_can(actor, "edit", student):
        if StudentPolicy.user_can(actor, "view", student):
            raise Forbidden("家长绑定码由学生所在学校的学籍管理员发放")
        raise NotFound(NOT_FOUND, actor=actor, action="guardian.code_issue", object_type="student",
                       object_id=student.key)
    now = timezone.now()
    code = _new_code()
    with transaction.atomic():
        voided = BindingCode.objects.filter(student=student, used_at__isnull=True, voided_at__isnull=True).update(
            voided_at=now)
        binding = BindingCode.objects.create(student=student, code_hash=BindingCode.hash_code(code), issued_by=actor,
                                             expires_at=now + datetime.timedelta(days=_code_days()))
        audit.record(actor, "guardian.code_issue", obj=student,
                     details={"code_id": binding.pk, "voided": voided, "expires_at": binding.expires_at.isoformat()})
    return code, binding


def _usable(code: str, child_name: str) -> BindingCode | None:
    """The open code matching both factors, locked for the rest of the transaction; None for any mismatch."""
    normal = normalized_code(code)
    if len(normal) != CODE_LENGTH:
        return None
    binding = (BindingCode.objects.select_for_update().select_related("student")
               .filter(code_hash=BindingCode.hash_code(normal), used_at__isnull=True, voided_at__isnull=True,
                       expires_at__gt=timezone.now()).first())
    if binding is None or binding.student.name != (child_name or "").strip():
        return None
    return binding


def _admit(address: str):
    """Every redemption is charged to the source address first (the log-in throttle's address bucket), so a
    flood of guesses waits before it reaches the database; a right code and name take the charge back."""
    charge, wait, _first = throttle.admit(throttle.keys_for(address, "", spare_username=True))
    if charge is None:
        raise throttle.LoginThrottled(wait)
    return charge


def _refuse(actor, code: str) -> NoReturn:
    # The row names neither the code nor the child typed: only that an attempt failed, and from where.
    audit.record(actor, "guardian.code_redeem", object_type="bindingcode", outcome="failed",
                 details={"length": len(normalized_code(code))})
    raise CodeRefused()


def _bind(user: User, binding: BindingCode) -> GuardianLink:
    now = timezone.now()
    link = GuardianLink.objects.create(user=user, student=binding.student, code=binding)
    BindingCode.objects.filter(pk=binding.pk).update(used_at=now, used_by=user)
    audit.record(user, "guardian.bind", obj=binding.student, details={"code_id": binding.pk, "link": link.pk})
    return link


def _account_problems(username: str, password: str) -> list[Violation]:
    problems = []
    if not username:
        problems.append(Violation(code="required", field="username", message="请填写用户名"))
    elif len(username) > 150:
        problems.append(Violation(code="too_long", field="username", message="用户名不能超过150个字符"))
    try:
        validate_password(password or "", User(username=username))
    except ValidationError as exc:
        problems.append(Violation(code="weak_password", field="password", message=";".join(exc.messages)))
    return problems


def _create_guardian(username: str, password: str, display_name: str) -> User:
    try:
        with transaction.atomic():
            user = User(username=username, role=Role.GUARDIAN, display_name=(display_name or "").strip()[:50])
            user.set_password(password)
            user.save()
    except IntegrityError as exc:
        raise Conflict(Violation(code="duplicate_username", field="username",
                                 message="用户名已被占用,请换一个")) from exc
    audit.record(user, "guardian.sign_up", obj=user, object_id=user.username)
    return user


def sign_up(*, code: str, child_name: str, username: str, password: str, display_name: str = "",
            address: str | None = None) -> User:
    """A guardian's own login, bound to the child whose code and name he gave (第十一条)."""
    username = (username or "").strip()
    # The account's own rules first: a weak password costs no attempt at the code.
    problems = _account_problems(username, password)
    if problems:
        raise RuleViolation(problems)
    address = (current_client_ip() if address is None else address) or ""
    charge = _admit(address)
    with transaction.atomic():
        binding = _usable(code, child_name)
        if binding is not None:
            throttle.refund(charge)
            user = _create_guardian(username, password, display_name)
            _bind(user, binding)
            return user
    # Written outside the transaction above, so the failed attempt's row stays.
    _refuse(None, code)


def add_child(user: User, *, code: str, child_name: str, address: str | None = None) -> GuardianLink:
    """A guardian already logged in binds another child with that child's code."""
    if not is_guardian(user):
        raise Forbidden("只有家长账号可以绑定学生")
    address = (current_client_ip() if address is None else address) or ""
    charge = _admit(address)
    with transaction.atomic():
        binding = _usable(code, child_name)
        if binding is not None:
            throttle.refund(charge)
            if GuardianLink.objects.filter(user=user, student=binding.student, revoked_on__isnull=True).exists():
                raise Conflict(Violation(code="already_bound", field="code", message="该学生已绑定在您的账号下"))
            return _bind(user, binding)
    _refuse(user, code)


def revoke_link(actor: User, student: Student, link_id: int, reason: str) -> GuardianLink:
    """The school ends a guardian's binding (a code handed to the wrong person, custody changed); the row stays."""
    if not StudentPolicy.user_can(actor, "edit", student):
        raise Forbidden("家长绑定由学生所在学校的学籍管理员解除")
    link = GuardianLink.objects.select_related("user").filter(pk=link_id, student=student).first()
    if link is None:
        raise NotFound("未找到该绑定", actor=actor, action="guardian.revoke", object_type="guardianlink",
                       object_id=link_id)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise RuleViolation(Violation(code="reason_required", field="reason", message="请写明解除绑定的理由"))
    with transaction.atomic():
        if not GuardianLink.objects.filter(pk=link.pk, revoked_on__isnull=True).update(revoked_on=timezone.now()):
            raise Conflict(Violation(code="already_revoked", field=None, message="该绑定已解除"))
        audit.record(actor, "guardian.revoke", obj=student, reason=reason, details={"link": link.pk,
                                                                                  "guardian": link.user.username})
    link.refresh_from_db()
    return link


# ---------------------------------------------------------------- the guardian's reads and answers


def find_child(user, key: str, *, purpose: str = "view", audit_read: bool = True) -> Student:
    """A child bound to this guardian, by student number or record id; anything else is 404 and audited."""
    student = resolve_key(key)
    if student is None or not GuardianPolicy.user_can(user, "view", student):
        raise NotFound(NOT_FOUND, actor=user, action=f"guardian.{purpose}", object_type="student", object_id=key)
    if audit_read:
        audit.record(user, f"guardian.{purpose}", obj=student)
    return student


def check_term(day: datetime.date | None = None) -> Term:
    """The term a check counts for: the one under way, or in the holidays the one just ended (第四十三条)."""
    day = day or timezone.localdate()
    term = term_on(day) or Term.objects.filter(starts_on__lte=day).order_by("-starts_on").first()
    if term is None:
        raise RuleViolation(Violation(code="no_term", field=None, article=rules.A43,
                                      message="省级教育行政部门尚未设置学期,暂不能核对学籍信息,请稍后再试"))
    return term


def _answer(user, student: Student, answer: str) -> TermCheck:
    term = check_term()
    try:
        with transaction.atomic():
            return TermCheck.objects.create(user=user, student=student, school_year=term.school_year,
                                            term=term.number, answer=answer)
    except IntegrityError as exc:
        raise Conflict(Violation(code="already_checked", field=None, article=rules.A43,
                                 message=f"您本学期({term})已核对过该学生的学籍信息;如又发现错误,请联系学校学籍管理员")) from exc


def confirm(user, key: str) -> TermCheck:
    """信息无误: the guardian checked this term's record and found it right."""
    student = find_child(user, key, purpose="confirm", audit_read=False)
    with transaction.atomic():
        check = _answer(user, student, TermCheck.Answer.CONFIRMED)
        audit.record(user, "guardian.confirm", obj=student, details={"term": [check.school_year, check.term]})
    return check


def report(user, key: str, items: list[dict]) -> TermCheck:
    """Named items are wrong: each becomes a report in the school's list of work."""
    student = find_child(user, key, purpose="report", audit_read=False)
    problems = rules.check_report(items)
    if problems:
        raise RuleViolation(problems)
    with transaction.atomic():
        check = _answer(user, student, TermCheck.Answer.REPORTED)
        ErrorReport.objects.bulk_create([
            ErrorReport(term_check=check, student=student, school_id=student.school_id, field=i["field"].strip(),
                        correct_value=(i.get("correct_value") or "").strip(), note=(i.get("note") or "").strip())
            for i in items])
        audit.record(user, "guardian.report", obj=student,
                     details={"term": [check.school_year, check.term], "fields": [i["field"] for i in items]})
    return check


# ---------------------------------------------------------------- the school's side


def find_report(user, report_id: int, *, action: str = "guardian.report_view") -> ErrorReport:
    report_row = ErrorReport.objects.select_related("student", "school").filter(pk=report_id).first()
    if report_row is None or not ReportPolicy.user_can(user, "view", report_row):
        raise NotFound("未找到该反馈,或不在您的管辖范围内", actor=user, action=action,
                       object_type="errorreport", object_id=report_id)
    return report_row


def handle_report(actor, report_id: int, *, note: str = "", application_id: int | None = None) -> ErrorReport:
    """The registrar marks a report handled: by an information-change application of that student, or a note."""
    row = find_report(actor, report_id, action="guardian.report_handle")
    if not ReportPolicy.user_can(actor, "handle", row):
        raise Forbidden("家长反馈由学生所在学校的学籍管理员处理")
    note = (note or "").strip()
    problems = []
    application = None
    if application_id is not None:
        application = Application.objects.filter(pk=application_id, student=row.student).first()
        if application is None:
            problems.append(Violation(code="unknown_application", field="application",
                                      message="该申请不存在或不是这名学生的申请,请核对申请编号"))
    if application is None and not note and not problems:
        problems.append(Violation(code="note_required", field="note", article=rules.A43,
                                  message="请填写处理说明(如“已核对,原信息无误”),或选择所发起的信息变更申请"))
    if len(note) > rules.MAX_NOTE:
        problems.append(Violation(code="too_long", field="note", message=f"处理说明不能超过{rules.MAX_NOTE}个字符"))
    if problems:
        raise RuleViolation(problems)
    with transaction.atomic():
        updated = ErrorReport.objects.filter(pk=row.pk, handled_at__isnull=True).update(
            handled_at=timezone.now(), handled_by=actor, handled_note=note, application=application)
        if not updated:
            raise Conflict(Violation(code="already_handled", field=None, message="该反馈已处理过"))
        audit.record(actor, "guardian.report_handle", obj=row,
                     details={"student": row.student.key, "application": application.pk if application else None})
    row.refresh_from_db()
    return row
