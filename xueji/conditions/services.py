"""Recording the graduation conditions of 第三十五条: one student's school year (page, API) or a whole sheet.

The student's school records them; each write runs in one transaction with its audit row. Nothing is
overwritten: a year saved again becomes a new version (the old one marked superseded and kept), a sitting whose
grade was mistyped is replaced by a new row beside the old one, and a 补考 is a sitting of its own.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from xueji.audit import services as audit
from xueji.core.errors import Forbidden, NotFound, RuleViolation
from xueji.policy import graduation_conditions as rules
from xueji.policy.fields import GRADE_LABELS
from xueji.policy.violations import Violation
from xueji.students.models import Student

from . import importer
from .models import ConditionRecord, ExamSitting
from .permissions import ConditionsPolicy

VALUE_FIELDS = ("quality_result", *rules.CREDIT_FIELDS, *rules.FLAG_FIELDS)
# A record is kept while the student studies or pauses; a graduate's conditions are history.
WRITABLE_STATUSES = ("在籍", "休学")


def may_edit(actor, student, action: str = "graduation_conditions.save") -> None:
    if ConditionsPolicy.user_can(actor, "edit", student):
        return
    if ConditionsPolicy.user_can(actor, "view", student):
        raise Forbidden("毕业条件由学生所在学校的学籍管理员或学籍主管领导录入")
    raise NotFound("未找到该学生,或该学生不在您的管辖范围内", actor=actor, action=action, object_type="student",
                   object_id=student.key)


def stage_refusal(student) -> list[Violation]:
    """A primary or junior-high student has no 第三十五条 conditions, to read or to write."""
    return rules.senior_only(student.grade, GRADE_LABELS.get(student.grade, f"{student.grade}年级"))


def refusals_for(student) -> list[Violation]:
    """Why this student can have no conditions recorded (a primary pupil, a graduate); empty when he can."""
    found = stage_refusal(student)
    if student.status not in WRITABLE_STATUSES:
        found.append(Violation("conditions_status", f"学籍状态为“{student.status}”的学生不能再录入毕业条件",
                               None, "student"))
    return found


def _values(record: ConditionRecord | None) -> dict:
    if record is None:
        return dict.fromkeys(VALUE_FIELDS)
    values = {name: getattr(record, name) for name in VALUE_FIELDS}
    values["quality_result"] = values["quality_result"] or None
    return values


def _stored(values: dict) -> dict:
    return {**values, "quality_result": values["quality_result"] or ""}


@dataclass
class Saved:
    record: ConditionRecord | None
    sittings: list[ExamSitting]
    before: dict | None = None  # the values the new version replaced; None when the year did not change

    @property
    def changed(self) -> bool:
        return self.before is not None or bool(self.sittings)


def save_conditions(actor, student, school_year: int, raw: dict, *, fields: tuple[str, ...] = VALUE_FIELDS) -> Saved:
    """Record one school year of one student. `fields` are those the caller gives (a PUT gives them all: a field
    left out is "not recorded"); the rest carry over from the current version. Every bad field is refused at once."""
    may_edit(actor, student)
    entry, problems = rules.parse_entry(raw, school_year)
    problems = refusals_for(student) + problems
    if problems:
        raise RuleViolation(problems)
    with transaction.atomic():
        saved = _write(actor, student, school_year, entry, fields)
        if saved.changed:
            audit.record(actor, "graduation_conditions.save", obj=student, details=_details(saved, school_year))
    return saved


def _lock(student_ids) -> None:
    # Two saves of the same student wait for each other, so versions stay 1, 2, 3 … with one current.
    list(Student.objects.select_for_update().filter(pk__in=student_ids).order_by("pk").values_list("pk", flat=True))


def _write(actor, student, school_year: int, entry: rules.Entry, fields) -> Saved:
    now = timezone.now()
    _lock([student.pk])
    current = (ConditionRecord.objects.select_for_update().filter(student=student, school_year=school_year, current=True)
               .order_by("pk").first())
    before = _values(current)
    after = {**before, **{name: entry.values[name] for name in fields}}
    changed = after != before if current is not None else any(v is not None for v in after.values())
    record = current
    if changed:
        if current is not None:
            ConditionRecord.objects.filter(pk=current.pk).update(current=False, superseded_at=now)
        record = ConditionRecord.objects.create(
            student=student, school_year=school_year, version=(current.version + 1) if current else 1,
            recorded_by=actor, **_stored(after))
    sittings = _write_sittings(actor, [student.pk], entry.exams and {student.pk: entry.exams}, school_year, now)
    return Saved(record, sittings, before if changed else None)


def _write_sittings(actor, student_ids, exams: dict | None, school_year: int, now) -> list[ExamSitting]:
    """New sittings, and corrected ones (another grade for the same subject, year and attempt) beside the old."""
    if not exams:
        return []
    existing = {(sid, subject, attempt): (pk, grade) for pk, sid, subject, attempt, grade in
                ExamSitting.objects.filter(student_id__in=student_ids, school_year=school_year, current=True)
                .values_list("pk", "student_id", "subject", "attempt", "grade")}
    superseded, created = [], []
    for sid, sittings in exams.items():
        for sitting in sittings:
            old = existing.get((sid, sitting.subject, sitting.attempt))
            if old is not None and old[1] == sitting.grade:
                continue
            if old is not None:
                superseded.append(old[0])
            created.append(ExamSitting(student_id=sid, school_year=school_year, subject=sitting.subject,
                                       attempt=sitting.attempt, grade=sitting.grade, recorded_by=actor))
    if superseded:
        ExamSitting.objects.filter(pk__in=superseded).update(current=False, superseded_at=now)
    return ExamSitting.objects.bulk_create(created, batch_size=2000)


def _details(saved: Saved, school_year: int) -> dict:
    details: dict = {"school_year": school_year,
                     "sittings": [f"{s.subject}{s.attempt}:{s.grade}" for s in saved.sittings]}
    if saved.before is not None:
        details |= {"version": saved.record.version, "before": saved.before, "after": _values(saved.record)}
    return details


# ------------------------------------------------------------------------------------------ a whole sheet


@dataclass
class ImportResult:
    rows_total: int
    students: int
    sittings: int


def may_import(actor, school) -> None:
    if ConditionsPolicy.school_can(actor, "edit", school):
        return
    if ConditionsPolicy.school_can(actor, "view", school):
        raise Forbidden("毕业条件由本校学籍管理员或学籍主管领导导入")
    raise NotFound("未找到该学校,或该学校不在您的管辖范围内", actor=actor, action="school.graduation_conditions",
                   object_type="school", object_id=school.pk)


def import_upload(actor, school, school_year: int, upload) -> ImportResult:
    """An uploaded file (page or API): size-checked, kept in a temporary file while read, then imported."""
    may_import(actor, school)
    size = getattr(upload, "size", 0) or 0
    if size == 0 or size > importer.MAX_BYTES:
        message = ("上传的文件是空的,请重新选择文件" if size == 0 else
                   f"文件超过{importer.MAX_BYTES >> 20}MB,毕业条件表不应这么大,请分成几个文件上传")
        raise importer.RowErrors([importer.RowError(0, "", "file_size", message)])
    handle, path = tempfile.mkstemp(suffix=".upload")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return import_file(actor, school, school_year, path, getattr(upload, "name", "") or "")
    finally:
        os.unlink(path)


def import_file(actor, school, school_year: int, path: str, filename: str) -> ImportResult:
    """Read a sheet (refused first if beyond the intake's limits) and import it; see import_conditions."""
    may_import(actor, school)
    header, rows = importer.read_sheet(path, filename)
    problems = importer.check_header(header)
    if problems:
        raise importer.RowErrors(problems)
    return import_conditions(actor, school, school_year, importer.as_records(header, rows),
                             importer.given_fields(header))


def import_conditions(actor, school, school_year: int, rows: list[tuple[int, dict]],
                      fields: tuple[str, ...]) -> ImportResult:
    """Rows read from a sheet, each {column label: cell}. Every bad cell of every row is reported at once
    (RowErrors); nothing is written unless every row is right."""
    may_import(actor, school)
    entries, problems = importer.check_rows(school, school_year, rows)
    if problems:
        raise importer.RowErrors(problems)
    if not entries:
        raise importer.RowErrors([importer.RowError(0, "", "empty", "文件中没有学生数据行")])
    with transaction.atomic():
        written = _write_many(actor, school_year, entries, fields)
        audit.record(actor, "graduation_conditions.import", obj=school,
                     details={"school_year": school_year, "rows": len(rows), **written})
    return ImportResult(len(rows), written["records"], written["sittings"])


def _write_many(actor, school_year: int, entries: dict, fields) -> dict:
    """Set-based: one read of the current versions, one UPDATE marking the changed ones superseded, one INSERT."""
    now = timezone.now()
    ids = list(entries)
    _lock(ids)
    current = {r.student_id: r for r in ConditionRecord.objects.select_for_update()
               .filter(student_id__in=ids, school_year=school_year, current=True).order_by("pk")}
    versions = dict(ConditionRecord.objects.filter(student_id__in=ids, school_year=school_year)
                    .values("student_id").annotate(top=Max("version")).values_list("student_id", "top"))
    superseded, created = [], []
    for sid, entry in entries.items():
        old = current.get(sid)
        before = _values(old)
        after = {**before, **{name: entry.values[name] for name in fields}}
        if after == before:
            continue
        if old is not None:
            superseded.append(old.pk)
        created.append(ConditionRecord(student_id=sid, school_year=school_year, version=versions.get(sid, 0) + 1,
                                       recorded_by=actor, **_stored(after)))
    if superseded:
        ConditionRecord.objects.filter(pk__in=superseded).update(current=False, superseded_at=now)
    ConditionRecord.objects.bulk_create(created, batch_size=2000)
    sittings = _write_sittings(actor, ids, {sid: e.exams for sid, e in entries.items()}, school_year, now)
    return {"records": len(created), "superseded": len(superseded), "sittings": len(sittings)}
