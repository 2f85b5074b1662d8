"""Reads of the semester report and the correction list, narrowed through permissions.py."""

import datetime

from django.utils import timezone

from xueji.audit import services as audit
from xueji.core.errors import Forbidden, NotFound, RuleViolation
from xueji.core.inputs import FIRST_YEAR, LAST_YEAR, parse_id
from xueji.policy import semester as rules
from xueji.policy.terms import AUTUMN, SPRING
from xueji.policy.violations import Violation
from xueji.workdays.services import term_of, term_window

from . import figures
from .models import Correction, SemesterReport
from .permissions import OFFICERS, SCHOOL_ROLES, CorrectionPolicy, ReportPolicy


def refuse_outsider(user) -> None:
    if getattr(user, "role", "") not in (*SCHOOL_ROLES, *OFFICERS):
        raise Forbidden(Violation("forbidden", "学期报告由学校和各级学籍主管部门报送、审核(第七条),当前角色不能查看",
                                  rules.ART_REPORT))


def pick_term(school_year=None, term=None, today: datetime.date | None = None) -> tuple[int, int]:
    """The term asked for, else the one today is in; a year or term outside the registry's is refused."""
    year_now, term_now = term_of(today or timezone.localdate())
    year = school_year if school_year not in (None, "") else year_now
    number = term if term not in (None, "") else (term_now if school_year in (None, "") else AUTUMN)
    try:
        year, number = int(year), int(number)
    except (TypeError, ValueError):
        year, number = 0, 0
    problems = []
    if not FIRST_YEAR <= year <= LAST_YEAR:
        problems.append(Violation("invalid_school_year",
                                  f"学年 school_year 须为{FIRST_YEAR}–{LAST_YEAR}之间的起始年份,如2026表示2026–2027学年",
                                  None, "school_year"))
    if number not in (AUTUMN, SPRING):
        problems.append(Violation("invalid_term", "学期 term 须为1(第一学期,秋季)或2(第二学期,春季)", None, "term"))
    if problems:
        raise RuleViolation(problems)
    return year, number


def window(school_year: int, term: int) -> tuple[datetime.date, datetime.date]:
    return term_window(school_year, term)


def report_due(school_year: int, term: int) -> datetime.date:
    """When the term's report is due (shown and used to list the late, never enforced)."""
    return rules.report_due(window(school_year, term)[1])


def find_report(user, report_id, *, purpose: str = "view") -> SemesterReport:
    pk = parse_id(report_id)
    report = (ReportPolicy.visible_to(user).select_related("school", "division", "reviewer", "submitted_by",
                                                            "decided_by").filter(pk=pk).first() if pk else None)
    if report is None:
        raise NotFound("未找到该学期报告,或其不在您的管辖范围内", actor=user, action=f"semester.{purpose}",
                       object_type="semesterreport", object_id=report_id)
    return report


def reports_for(user, *, school_year: int | None = None, term: int | None = None, awaiting: bool = False):
    refuse_outsider(user)
    qs = ReportPolicy.visible_to(user).select_related("reviewer", "submitted_by")
    if school_year:
        qs = qs.filter(school_year=school_year)
    if term:
        qs = qs.filter(term=term)
    if awaiting:
        qs = qs.filter(status=SemesterReport.Status.SUBMITTED, reviewer_id=user.division_id or "")
    return qs.order_by("-submitted_at", "-id")


def versions(report: SemesterReport):
    return SemesterReport.objects.filter(unit_code=report.unit_code, school_year=report.school_year,
                                         term=report.term).order_by("version")


def units_below(user, school_year: int, term: int) -> list[dict]:
    """The units reporting to the user's bureau and the state of their report for the term: 未报送 first, then
    退回, 待审核, 已确认 (第七条: each level sees who has not reported)."""
    refuse_outsider(user)
    if user.role not in OFFICERS or user.division is None:
        raise Forbidden(Violation("forbidden", "只有县、市、省级学籍主管部门查看下级报送情况(第七条)", rules.ART_REPORT))
    order = {"": 0, rules.RETURNED: 1, rules.SUBMITTED: 2, rules.CONFIRMED: 3}
    units = figures.below(user.division, school_year, term)
    past_due = timezone.localdate() > report_due(school_year, term)
    for unit in units:
        unit["status_label"] = rules.STATUS_LABELS[unit["status"]]
        unit["late"] = past_due and unit["status"] in ("", rules.RETURNED)
    return sorted(units, key=lambda u: (order[u["status"]], u["code"]))


def find_correction(user, correction_id, *, purpose: str = "view") -> Correction:
    pk = parse_id(correction_id)
    item = CorrectionPolicy.visible_to(user).filter(pk=pk).first() if pk else None
    if item is None:
        raise NotFound("未找到该整改事项,或其不在您的管辖范围内", actor=user, action=f"semester.{purpose}",
                       object_type="correction", object_id=correction_id)
    return item


def corrections_for(user, *, school_year: int | None = None, term: int | None = None, open_only: bool = False):
    refuse_outsider(user)
    qs = CorrectionPolicy.visible_to(user).prefetch_related("marks")
    if school_year:
        qs = qs.filter(school_year=school_year)
    if term:
        qs = qs.filter(term=term)
    if open_only:
        qs = qs.filter(marks__isnull=True)
    return qs.order_by("unit_code", "kind", "id")


def record_list_read(user, what: str, count: int, **details) -> None:
    # Lists name children: reading them is recorded like a search.
    audit.record(user, f"semester.{what}", object_type="student", details={**details, "count": count})
