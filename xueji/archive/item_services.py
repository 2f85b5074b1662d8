"""Filing the student archive's items (第十一条) and recording where the paper folder lies (第五条).

The registrar of the student's school files; every write is audited in its transaction. Nothing is edited or
deleted: a correction files a new item that supersedes the old, a move of the folder adds a location row.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from xueji.audit import services as audit
from xueji.certificates.models import Certificate
from xueji.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from xueji.policy import archive_items as rules
from xueji.policy.province import SENIOR, stage_of_grade
from xueji.policy.violations import Violation
from xueji.students.models import Student
from xueji.students.permissions import StudentPolicy

from .item_models import ArchiveItem, ArchiveLocation
from .scans import content_type_of, scan_problems


def _may_file(actor, student: Student, action: str) -> None:
    if StudentPolicy.user_can(actor, "edit", student):
        return
    if StudentPolicy.user_can(actor, "view", student):
        raise Forbidden("学籍档案材料由学生所在学校的学籍管理员归档")
    raise NotFound("未找到该学生,或该学生不在您的管辖范围内", actor=actor, action=action, object_type="student",
                   object_id=student.key)


def _certificate(student: Student, number: str | None) -> tuple[Certificate | None, list[Violation]]:
    number = (number or "").strip()
    if not number:
        return None, []
    found = Certificate.objects.filter(number=number, student=student).first()
    if found is None:
        return None, [Violation(code="unknown_certificate", field="certificate",
                                message=f"该学生没有编号为“{number[:40]}”的证书,请核对证书编号或留空")]
    return found, []


def file_item(actor, student: Student, *, kind: str, title: str, dated_on: datetime.date | None, upload,
              summary: str = "", certificate: str | None = None, supersedes: ArchiveItem | None = None,
              correction_reason: str = "") -> ArchiveItem:
    _may_file(actor, student, "archive_item.file")
    code = rules.kind_code(kind)
    problems = rules.check_item(kind=code, title=title, dated_on=dated_on, birth_date=student.birth_date,
                                senior=stage_of_grade(student.grade) == SENIOR, today=timezone.localdate())
    linked, found = _certificate(student, certificate)
    problems += found + scan_problems(upload)
    if problems:
        raise RuleViolation(problems)
    with transaction.atomic():
        item = ArchiveItem(student=student, school=student.school, kind=code, title=title.strip()[:100],
                           dated_on=dated_on, summary=(summary or "").strip()[:500], certificate=linked,
                           original_name=(getattr(upload, "name", "") or "scan")[-200:],
                           content_type=content_type_of(upload), size=upload.size, supersedes=supersedes,
                           correction_reason=correction_reason, recorded_by=actor)
        item.file.save(getattr(upload, "name", "scan") or "scan", upload, save=False)
        item.save()
        details = {"item": item.pk, "kind": code, "supersedes": supersedes.pk if supersedes else None}
        if supersedes is None:
            audit.record(actor, "archive_item.file", obj=student, details=details)
        else:
            audit.record(actor, "archive_item.correct", obj=student, reason=correction_reason, details=details)
    return item


def correct_item(actor, item_id: int, *, reason: str, upload, title: str | None = None,
                 dated_on: datetime.date | None = None, summary: str | None = None) -> ArchiveItem:
    """A new item replaces a wrong one; the wrong one stays, marked as superseded (nothing is deleted)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        old = ArchiveItem.objects.select_for_update().filter(pk=item_id).order_by("pk").first()
        if old is None or not StudentPolicy.user_can(actor, "view", old.student):
            raise NotFound("未找到该档案材料,或不在您的管辖范围内", actor=actor, action="archive_item.correct",
                           object_type="archiveitem", object_id=item_id)
        _may_file(actor, old.student, "archive_item.correct")
        if len(reason) < 2:
            raise RuleViolation(Violation(code="required", field="reason", message="请填写更正理由"))
        if ArchiveItem.objects.filter(supersedes=old).exists():
            raise Conflict(Violation(code="already_superseded", message="该材料已被更正,请更正最新的一份"))
        return file_item(actor, old.student, kind=old.kind, title=title or old.title,
                         dated_on=dated_on or old.dated_on, upload=upload,
                         summary=old.summary if summary is None else summary,
                         certificate=old.certificate.number if old.certificate_id else None,
                         supersedes=old, correction_reason=reason[:500])


def set_location(actor, student: Student, *, room: str = "", shelf: str = "", box: str = "",
                 note: str = "") -> ArchiveLocation:
    _may_file(actor, student, "archive_location.set")
    problems = rules.check_location(room=room, shelf=shelf, box=box)
    if problems:
        raise RuleViolation(problems)
    with transaction.atomic():
        location = ArchiveLocation.objects.create(
            student=student, school=student.school, room=(room or "").strip()[:50], shelf=(shelf or "").strip()[:50],
            box=(box or "").strip()[:50], note=(note or "").strip()[:200], recorded_by=actor)
        audit.record(actor, "archive_location.set", obj=student, details={"location": location.pk})
    return location
