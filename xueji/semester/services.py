"""Writes of the semester report (第七条) and the correction list (第四十五条、第四十六条). Each takes the acting user
and writes its audit row in the same transaction; nothing is deleted."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from xueji.audit import services as audit
from xueji.core.errors import Conflict, Forbidden, RuleViolation
from xueji.policy import semester as rules
from xueji.policy.terms import term_label
from xueji.policy.violations import Violation

from . import figures
from .findings import findings
from .models import Correction, CorrectionMark, SemesterReport
from .permissions import (
    OFFICERS,
    CorrectionPolicy,
    ReportPolicy,
    division_reviewer,
    own_unit,
    school_reviewer,
)
from .selectors import window

STATUS = SemesterReport.Status


def _forbidden(message: str, article: str = rules.ART_REPORT) -> Forbidden:
    return Forbidden(Violation("forbidden", message, article))


def submit(user, school_year: int, term: int, note: str = "", today: datetime.date | None = None) -> SemesterReport:
    """The user's unit reports the term upward with its figures frozen now; after a return, as a new version."""
    unit = own_unit(user)
    if unit is None:
        raise _forbidden("学期报告由学校和县、市学籍主管部门向上级报送(第七条),当前账号没有要报送的单位")
    level, school, division = unit
    reviewer = school_reviewer(school) if school is not None else division_reviewer(division)
    if reviewer is None:
        raise _forbidden("该单位没有上级学籍主管部门可以报送(第七条)")
    start, end = window(school_year, term)
    today = today or timezone.localdate()
    if start > today:
        raise RuleViolation(Violation("term_not_started", f"{term_label(school_year, term)}尚未开始,"
                                      "学期报告在学期末报送(第七条),请选择已开始的学期", rules.ART_REPORT, "term"))
    note = (note or "").strip()[:500]
    code = school.pk if school is not None else division.pk
    try:
        with transaction.atomic():
            earlier = (SemesterReport.objects.select_for_update().filter(unit_code=code, school_year=school_year,
                                                                         term=term).order_by("-version").first())
            if earlier is not None and earlier.status != STATUS.RETURNED:
                raise Conflict(Violation("already_reported",
                                         f"{term_label(school_year, term)}的学期报告已报送(第{earlier.version}版,"
                                         f"{earlier.get_status_display()}),退回后才能重新报送(第七条)",
                                         rules.ART_REPORT))
            report = SemesterReport.objects.create(
                unit_code=code, unit_name=(school or division).name, level=level, school=school, division=division,
                reviewer=reviewer, school_year=school_year, term=term, version=(earlier.version + 1) if earlier else 1,
                figures=figures.freeze(school, division, school_year, term, start, end), note=note,
                submitted_by=user)
            audit.record(user, "semester.submit", obj=report,
                         details={"unit": code, "school_year": school_year, "term": term, "version": report.version,
                                  "students": report.figures["totals"]["students"]})
    except IntegrityError:
        raise Conflict(Violation("already_reported", "该学期报告刚由他人报送,请刷新后查看(第七条)",
                                 rules.ART_REPORT)) from None
    return report


def _decide(user, report: SemesterReport, status: str, comment: str, action: str) -> SemesterReport:
    if not ReportPolicy.user_can(user, "review", report):
        audit.record_refusal(user, action, object_type="semesterreport", object_id=str(report.pk),
                             reason="不是该报告的审核部门")
        raise _forbidden(f"学期报告由报送单位的上级学籍主管部门({report.reviewer.name})审核确认(第七条)")
    with transaction.atomic():
        locked = SemesterReport.objects.select_for_update().get(pk=report.pk)
        if locked.status != STATUS.SUBMITTED:
            raise Conflict(Violation("already_decided", f"该报告已{locked.get_status_display()},不能再次审核(第七条)",
                                     rules.ART_REPORT))
        locked.status, locked.decided_by, locked.decided_at = status, user, timezone.now()
        locked.comment = (comment or "").strip()[:500]
        locked.save(update_fields=["status", "decided_by", "decided_at", "comment"])
        audit.record(user, action, obj=locked, reason=locked.comment,
                     details={"unit": locked.unit_code, "school_year": locked.school_year, "term": locked.term,
                              "version": locked.version})
    return locked


def confirm(user, report: SemesterReport, comment: str = "") -> SemesterReport:
    return _decide(user, report, STATUS.CONFIRMED, comment, "semester.confirm")


def return_report(user, report: SemesterReport, reason: str) -> SemesterReport:
    problems = rules.check_return_reason(reason)
    if problems:
        raise RuleViolation(problems)
    return _decide(user, report, STATUS.RETURNED, reason, "semester.return")


# ---------------------------------------------------------------- corrections


def _authority(user):
    if user.role not in OFFICERS or user.division is None or user.division.level != user.role:
        raise _forbidden("只有学籍主管部门可以责令改正(第四十五条、第四十六条)", rules.ART_SCHOOL)
    return user.division


def list_for_correction(user, school_year: int, term: int, refs: list[str] | None = None,
                        today: datetime.date | None = None) -> list[Correction]:
    """List the findings (all, or those named by `refs`) of the units the user's bureau governs for correction."""
    division = _authority(user)
    start, end = window(school_year, term)
    found = findings(division, start, end, today or timezone.localdate())
    if refs:
        wanted = set(refs)
        unknown = wanted - {f"{f.kind}:{f.ref}" for f in found}
        if unknown:
            raise RuleViolation(Violation("unknown_finding", "所选事项不在本学期的整改清单中,请刷新后重新选择:"
                                          + "、".join(sorted(unknown)[:5]), rules.ART_SCHOOL, "refs"))
        found = [f for f in found if f"{f.kind}:{f.ref}" in wanted]
    with transaction.atomic():
        rows = [Correction(kind=f.kind, articles=f.articles, unit_code=f.unit_code, unit_name=f.unit_name,
                           school_id=f.school_id, authority=division, ref=f.ref, detail=f.detail[:300],
                           school_year=school_year, term=term, listed_by=user) for f in found]
        existing = set(Correction.objects.filter(school_year=school_year, term=term,
                                                 ref__in=[r.ref for r in rows]).values_list("kind", "ref"))
        new = [r for r in rows if (r.kind, r.ref) not in existing]
        Correction.objects.bulk_create(new, ignore_conflicts=True)
        audit.record(user, "semester.list_correction", object_type="correction",
                     details={"school_year": school_year, "term": term, "listed": len(new)})
    return new


def mark_corrected(user, item: Correction, note: str) -> CorrectionMark:
    if not CorrectionPolicy.user_can(user, "mark", item):
        audit.record_refusal(user, "semester.corrected", object_type="correction", object_id=str(item.pk),
                             reason="不是责令改正的部门")
        raise _forbidden("整改完成由责令改正的学籍主管部门确认(第四十五条、第四十六条)", rules.ART_SCHOOL)
    problems = rules.check_mark_note(note)
    if problems:
        raise RuleViolation(problems)
    with transaction.atomic():
        mark = CorrectionMark.objects.create(correction=item, note=note.strip()[:500], marked_by=user)
        audit.record(user, "semester.corrected", obj=item, reason=mark.note,
                     details={"unit": item.unit_code, "kind": item.kind})
    return mark
