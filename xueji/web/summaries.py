"""Read-only counts for the overview pages, each narrowed by the jurisdiction policies first.

Student counts come from the tally (xueji.students.tally, kept exact by triggers in the transaction of every
change), never from the records: a province home page must not count 5,000,000 rows per request (issue #15).
Counts run as one grouped query per table, never a loop of queries per school: a city has thousands.
"""

import time

from django.conf import settings
from django.db.models import Count, Q

from xueji.core.jurisdiction import school_scope
from xueji.orgs import selectors as org_selectors
from xueji.orgs.models import Division, School
from xueji.orgs.permissions import ClassPolicy, DivisionPolicy, SchoolPolicy
from xueji.policy.fields import GRADE_LABELS
from xueji.students import tally
from xueji.students.models import Status
from xueji.students.permissions import StudentPolicy

# Records that still sit in a class seat; the others have left the school (their records stay readable).
SEATED = (Status.PENDING, Status.ENROLLED, Status.SUSPENDED)
STATUS_ORDER = [s.value for s in Status]


def school_grade_table(user, school: School) -> dict:
    """Students of one school by grade (rows) and status (columns), with totals."""
    # The school page is reached through SchoolPolicy, and a school's readers read all its records.
    rows = tally.counts(Q(school_id=school.code), by=("grade", "status"))
    cells: dict[tuple[int, str], int] = {(r["grade"], r["status"]): r["students"] for r in rows}
    used = {status for _, status in cells}
    statuses = [s for s in STATUS_ORDER if s in used or s in (Status.ENROLLED, Status.PENDING)]
    grades = sorted(set(school.grades) | {g for g, _ in cells})
    table = [
        {
            "grade": g,
            "label": GRADE_LABELS.get(g, f"{g}年级"),
            "counts": [cells.get((g, s), 0) for s in statuses],
            "total": sum(cells.get((g, s), 0) for s in statuses),
        }
        for g in grades
    ]
    totals = [sum(cells.get((g, s), 0) for g in grades) for s in statuses]
    return {"statuses": statuses, "rows": table, "totals": totals, "total": sum(totals),
            "by_status": list(zip(statuses, totals, strict=True))}


def recent_students(user, limit: int = 10):
    return StudentPolicy.visible_to(user).select_related("school_class").order_by("-updated_at", "-id")[:limit]


def _by_status(rows: list[dict], key: str) -> dict[str, dict[str, int]]:
    """Tally rows grouped by (key, status) as {key value: {"enrolled", "pending", "total"}}."""
    out: dict = {}
    for r in rows:
        n = out.setdefault(r[key], {"enrolled": 0, "pending": 0, "total": 0})
        n["total"] += r["students"]
        if r["status"] == Status.ENROLLED:
            n["enrolled"] += r["students"]
        elif r["status"] == Status.PENDING:
            n["pending"] += r["students"]
    return out


def schools_under(user, division: Division) -> list[School]:
    """The visible schools hanging directly under a division in the tree, with their student counts."""
    # What the table shows, without the county and city rows the general selector joins.
    schools = list(org_selectors.schools_under(user, division).select_related(None)
                   .only("code", "name", "school_type", "ownership", "provincial_model").order_by("code"))
    counted = _by_status(tally.counts(Q(school_id__in=[s.code for s in schools]), by=("school", "status")),
                         "school") if schools else {}
    zero = {"enrolled": 0, "pending": 0, "total": 0}
    for school in schools:
        for name, n in counted.get(school.code, zero).items():
            setattr(school, name, n)
    return schools


# A province's tally is tens of thousands of rows (schools × grades × genders × statuses): summing it by city
# costs ~0.1–0.2 s, too much for every request of every province and city officer. A large total is therefore
# reused for XUEJI_SUMMARY_SECONDS (default 30) within a server process; a small registry is always exact.
CACHE_FROM_STUDENTS = 100_000
_cached: dict[tuple, tuple[float, dict]] = {}


def _division_students(user, division: Division, key: str, scope: Q) -> dict:
    cache_key = (user.role, user.division_id, division.code, key)
    now = time.monotonic()
    hit = _cached.get(cache_key)
    if hit and hit[0] > now:
        return hit[1]
    students = _by_status(tally.counts(scope, by=(key, "status")), key)
    if sum(n["total"] for n in students.values()) >= CACHE_FROM_STUDENTS:
        _cached[cache_key] = (now + getattr(settings, "XUEJI_SUMMARY_SECONDS", 30), students)
    return students


def child_divisions(user, division: Division) -> list[dict]:
    """Visible child divisions with their school and student counts."""
    children = list(DivisionPolicy.visible_to(user).filter(parent=division).order_by("code"))
    if not children:
        return []
    key = "county" if division.level == Division.Level.CITY else "city"
    schools = SchoolPolicy.visible_to(user)
    scope = school_scope(user, prefix="school__")
    if key == "county":
        # A city-run school hangs under the city, not under the county it stands in (第三条).
        schools, scope = schools.filter(city_run=False), scope & Q(school__city_run=False)
    school_counts = dict(schools.values_list(f"{key}_id").annotate(n=Count("code")).order_by())
    students = _division_students(user, division, key, scope)
    zero = {"enrolled": 0, "total": 0}
    return [
        {"division": d, "schools": school_counts.get(d.code, 0), "enrolled": students.get(d.code, zero)["enrolled"],
         "total": students.get(d.code, zero)["total"]}
        for d in children
    ]


def classes_of(user, school: School):
    """The school's classes with their current size (students still seated)."""
    return (
        ClassPolicy.visible_to(user).filter(school=school).select_related("campus")
        .annotate(size=Count("students", filter=Q(students__status__in=SEATED)))
        .order_by("grade", "entry_year", "name")
    )
