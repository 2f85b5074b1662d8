"""The figures a semester report freezes when it is submitted (第七条): students by grade, gender and status, the
term's changes by kind, and for a bureau the state of the reports of the units below it. All aggregates."""

import datetime

from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from xueji.students.models import StatusEvent, Student

from .models import SemesterReport
from .permissions import divisions_reporting_to, schools_covered, schools_reporting_to


def student_counts(schools) -> list[dict]:
    rows = (Student.objects.filter(school__in=schools).values("grade", "gender", "status")
            .annotate(count=Count("id")).order_by("grade", "gender", "status"))
    return [dict(r) for r in rows]


def term_events(schools, start: datetime.date, end: datetime.date):
    """Status events of the schools in the term, bounded by moments (not dates) so the (school, at) index serves."""
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return StatusEvent.objects.filter(school__in=schools, at__gte=since, at__lt=until)


def change_counts(schools, start: datetime.date, end: datetime.date) -> list[dict]:
    rows = (term_events(schools, start, end)
            .values("kind").annotate(count=Count("id")).order_by("kind"))
    return [dict(r) for r in rows]


def latest_status(units, school_year: int, term: int, column: str = "code"):
    """Annotate each unit with the status and id of its latest report for the term (None: not reported)."""
    latest = (SemesterReport.objects.filter(unit_code=OuterRef(column), school_year=school_year, term=term)
              .order_by("-version"))
    return units.annotate(t_status=Subquery(latest.values("status")[:1]), t_report=Subquery(latest.values("pk")[:1]))


def below(division, school_year: int, term: int) -> list[dict]:
    units = [*latest_status(schools_reporting_to(division), school_year, term).values("code", "name", "t_status"),
             *latest_status(divisions_reporting_to(division), school_year, term).values("code", "name", "t_status")]
    return [{"code": u["code"], "name": u["name"], "status": u["t_status"] or ""} for u in units]


def freeze(school, division, school_year: int, term: int, start: datetime.date, end: datetime.date) -> dict:
    schools = [school.pk] if school is not None else schools_covered(division).values("code")
    students = student_counts(schools)
    changes = change_counts(schools, start, end)
    figures = {
        "window": [start.isoformat(), end.isoformat()],
        "students": students,
        "changes": changes,
        "totals": {"students": sum(r["count"] for r in students), "changes": sum(r["count"] for r in changes)},
    }
    if division is not None:
        units = below(division, school_year, term)
        figures["units"] = units
        figures["totals"]["units"] = len(units)
        figures["totals"]["units_confirmed"] = sum(1 for u in units if u["status"] == SemesterReport.Status.CONFIRMED)
    return figures
