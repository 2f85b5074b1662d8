"""Recording and withdrawing awards (第三十九条), and who may read them.

The student's school registrar records an award at school level or above; each write is audited in its
transaction and also enters the record's history (the timeline), as 记过 and above do (第四十条)."""

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from xueji.applications.services import ALLOWED_EVIDENCE, _evidence_problems
from xueji.audit import services as audit
from xueji.core.errors import Conflict, NotFound, RuleViolation
from xueji.core.inputs import parse_id
from xueji.policy.violations import Violation
from xueji.students.models import StatusEvent, Student
from xueji.students.permissions import StudentPolicy

from . import rules
from .models_awards import Award
from .services import ACTIVE, _may_edit, _text

NOT_FOUND = "未找到该奖励记录,或不在您的管辖范围内"
# A record that has left (毕业, 转出…) keeps its archive but gains no new award from the school.
RECORDABLE = (*ACTIVE, "待注册")


def awards_of(student) -> QuerySet[Award]:
    """Every award of the student, withdrawn ones too, the caller having checked that the user may read him."""
    return Award.objects.filter(student=student).select_related("school", "recorded_by", "revoked_by")


def find_award(user, award_id, *, purpose: str = "view") -> Award:
    """One award, if the user may read its student; otherwise NotFound (absent and outside look the same)."""
    pk = parse_id(award_id)
    item = Award.objects.select_related("student", "school").filter(pk=pk).first() if pk is not None else None
    if item is None or not StudentPolicy.user_can(user, "view", item.student):
        raise NotFound(NOT_FOUND, actor=user, action=f"award.{purpose}", object_type="award", object_id=award_id)
    return item


def scan_problems(upload) -> list[Violation]:
    """The evidence scans' checks (type by the file's first bytes, size), reported on the award's `scan` field."""
    return [Violation(code=v.code, message=v.message.replace("证明材料", "获奖证书扫描件"), field="scan")
            for v in _evidence_problems(upload)]


def record_award(actor, student: Student, *, level: str, title: str, awarding_body: str,
                 awarded_on: datetime.date | None, scan=None) -> Award:
    _may_edit(actor, student, "award.record", "奖励")
    problems = rules.check_award(level, title=title, awarding_body=awarding_body, awarded_on=awarded_on,
                                 today=timezone.localdate())
    if student.status not in RECORDABLE:
        problems.append(Violation(code="award_not_active", field="student",
                                  message=f"学籍状态为“{student.status}”的学生不能新记奖励"))
    if scan is not None:
        problems += scan_problems(scan)
    if problems:
        raise RuleViolation(problems)
    with transaction.atomic():
        item = Award(student=student, school=student.school, level=level, title=title.strip()[:100],
                     awarding_body=awarding_body.strip()[:100], awarded_on=awarded_on, recorded_by=actor)
        if scan is not None:
            _keep_scan(item, scan)
        item.save()
        # 校级以上的奖励应记入学籍档案 (第三十九条): it shows in the record's history.
        StatusEvent.objects.create(
            student=student, kind=f"奖励:{level}", from_status=student.status, to_status=student.status,
            school=student.school, actor=actor, note=item.text[:500])
        audit.record(actor, "award.record", obj=student,
                     details={"award": item.pk, "level": level, "scan": item.has_scan})
    return item


def attach_scan(actor, award_id, scan) -> Award:
    """Add the certificate's scan to an award recorded without one; a scan once kept is never replaced."""
    problems = scan_problems(scan)
    with transaction.atomic():
        item = _locked(actor, award_id, "scan")
        if problems:
            raise RuleViolation(problems)
        if item.has_scan:
            raise Conflict(Violation(code="scan_exists", field="scan",
                                     message="该奖励已有证书扫描件,扫描件入档后不能替换"))
        _keep_scan(item, scan)
        item.save(update_fields=["file", "original_name", "content_type", "size"])
        audit.record(actor, "award.scan", obj=item.student, details={"award": item.pk})
    return item


def revoke_award(actor, award_id, *, reason: str, revoked_on: datetime.date | None = None) -> Award:
    """Withdraw an award (e.g. granted in error): the row keeps what was awarded and gains when and why."""
    reason = _text(reason, "reason", "撤销理由")
    revoked_on = revoked_on or timezone.localdate()
    with transaction.atomic():
        item = _locked(actor, award_id, "revoke")
        if item.revoked_on is not None:
            raise Conflict(Violation(code="already_revoked", message="该奖励已撤销"))
        if revoked_on < item.awarded_on or revoked_on > timezone.localdate():
            raise RuleViolation(Violation(code="revoke_date", field="revoked_on",
                                          message="撤销日期须在获奖日期之后、且不晚于今天"))
        item.revoked_on, item.revoke_reason, item.revoked_by = revoked_on, reason, actor
        item.save(update_fields=["revoked_on", "revoke_reason", "revoked_by"])
        student = item.student
        StatusEvent.objects.create(
            student=student, kind=f"撤销奖励:{item.level}", from_status=student.status, to_status=student.status,
            school=student.school, actor=actor, note=f"{item.text}。{reason}"[:500])
        audit.record(actor, "award.revoke", obj=student, reason=reason, details={"award": item.pk})
    return item


def _locked(actor, award_id, purpose: str) -> Award:
    pk = parse_id(award_id)
    # Ordered by pk: the default order joins the student, which PostgreSQL cannot lock.
    item = Award.objects.select_for_update().filter(pk=pk).order_by("pk").first() if pk is not None else None
    if item is None or not StudentPolicy.user_can(actor, "view", item.student):
        raise NotFound(NOT_FOUND, actor=actor, action=f"award.{purpose}", object_type="award", object_id=award_id)
    _may_edit(actor, item.student, f"award.{purpose}", "奖励")
    return item


def _keep_scan(item: Award, upload) -> None:
    head = upload.read(3)
    upload.seek(0)
    item.original_name = (getattr(upload, "name", "") or "scan")[:200]
    item.content_type = ALLOWED_EVIDENCE[head]
    item.size = upload.size
    item.file.save(item.original_name, upload, save=False)
