"""Read-only counts for the overview pages, each narrowed by the jurisdiction policies first.

Counts run as one grouped query per table, never a loop of queries per school: a city has thousands.
"""

from django.db.models import Count, Q

from xueji.orgs import selectors as org_selectors
from xueji.orgs.models import Division, School
from xueji.orgs.permissions import ClassPolicy, DivisionPolicy, SchoolPolicy
from xueji.policy.fields import GRADE_LABELS
from xueji.students.models import Status
from xueji.students.permissions import StudentPolicy

# Records that still sit in a class seat; the others have left the school (their records stay readable).
SEATED = (Status.PENDING, Status.ENROLLED, Status.SUSPENDED)
STATUS_ORDER = [s.value for s in Status]


def school_grade_table(user, school: School) -> dict:
    """Students of one school by grade (rows) and status (columns), with totals."""
    rows = (
        StudentPolicy.visible_to(user).filter(school=school)
        .values("grade", "status").annotate(n=Count("id")).order_by()
    )
    cells: dict[tuple[int, str], int] = {(r["grade"], r["status"]): r["n"] for r in rows}
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


def _student_counts():
    return {
        "enrolled": Count("students", filter=Q(students__status=Status.ENROLLED), distinct=True),
        "pending": Count("students", filter=Q(students__status=Status.PENDING), distinct=True),
        "total": Count("students", distinct=True),
    }


def schools_under(user, division: Division):
    """The visible schools hanging directly under a division in the tree, with their student counts."""
    return org_selectors.schools_under(user, division).annotate(**_student_counts()).order_by("code")


def child_divisions(user, division: Division) -> list[dict]:
    """Visible child divisions with their school and student counts."""
    children = list(DivisionPolicy.visible_to(user).filter(parent=division).order_by("code"))
    if not children:
        return []
    key = "county" if division.level == Division.Level.CITY else "city"
    schools = SchoolPolicy.visible_to(user)
    if key == "county":
        schools = schools.filter(city_run=False)
    school_counts = dict(schools.values_list(f"{key}_id").annotate(n=Count("code")).order_by())
    students = StudentPolicy.visible_to(user).filter(**({"school__city_run": False} if key == "county" else {}))
    enrolled = dict(
        students.filter(status=Status.ENROLLED).values_list(f"school__{key}_id").annotate(n=Count("id")).order_by()
    )
    total = dict(students.values_list(f"school__{key}_id").annotate(n=Count("id")).order_by())
    return [
        {"division": d, "schools": school_counts.get(d.code, 0), "enrolled": enrolled.get(d.code, 0),
         "total": total.get(d.code, 0)}
        for d in children
    ]


def classes_of(user, school: School):
    """The school's classes with their current size (students still seated)."""
    return (
        ClassPolicy.visible_to(user).filter(school=school).select_related("campus")
        .annotate(size=Count("students", filter=Q(students__status__in=SEATED)))
        .order_by("grade", "entry_year", "name")
    )
