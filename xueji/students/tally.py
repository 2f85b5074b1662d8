"""The student tally: counts of records by school, grade, gender and status, with the statistics' flags.

The table (StudentTally) is written only by the database triggers of migration 0007, in the transaction of
each change to students_student: a statement-level trigger with transition tables on PostgreSQL (one
INSERT … ON CONFLICT per statement, however many rows it touched), row-level triggers on SQLite. Pages and
endpoints count from here, never from the records (issue #15: no page scans the student table).

`counts()` is the read; `verify()` and `rebuild()` compare it with, and rebuild it from, a direct count
(`xueji tally verify|rebuild`).
"""

from django.db import connection, transaction
from django.db.models import Q, Sum

from xueji.audit import services as audit

from .models import StudentTally

KEY = ("school_id", "grade", "gender", "status")
MEASURES = ("students", "migrant", "left_behind", "disabled", "inclusive")

# What each flag counts, as SQL over a student row. Migration 0007's triggers hold the same expressions; a
# change here needs a migration that replaces them, then `xueji tally rebuild`.
FLAG_SQL = {
    "migrant": "CASE WHEN {p}migrant_child THEN 1 ELSE 0 END",  # 是否进城务工人员随迁子女 = 是
    "left_behind": "CASE WHEN {p}left_behind IN ('1', '2') THEN 1 ELSE 0 END",  # 单亲或双亲留守
    "disabled": "CASE WHEN {p}disability_type NOT IN ('', '0') THEN 1 ELSE 0 END",  # 残疾类型 other than 无残疾
    "inclusive": "CASE WHEN {p}inclusive_study NOT IN ('', '0') THEN 1 ELSE 0 END",  # 随班就读
}

# The same flags as ORM filters: what a direct count of the records uses (verify, tests, a drill to the list).
FLAG_FILTERS = {
    "migrant": Q(migrant_child=True),
    "left_behind": Q(left_behind__in=("1", "2")),
    "disabled": ~Q(disability_type__in=("", "0")),
    "inclusive": ~Q(inclusive_study__in=("", "0")),
}

# Dimensions a caller may group by, and the tally column (through the school for the tree and the type).
DIMENSIONS = {
    "school": "school_id",
    "county": "school__county_id",
    "city": "school__city_id",
    "city_run": "school__city_run",
    "school_type": "school__school_type",
    "grade": "grade",
    "gender": "gender",
    "status": "status",
}


def counts(schools: Q | None = None, by=("grade",), *, statuses=None, **filters) -> list[dict]:
    """The tallied counts grouped by `by` (names of DIMENSIONS), narrowed to the schools `schools` selects
    (a Q over School through "school__", e.g. xueji.core.jurisdiction.school_scope(user, prefix="school__"))
    and to `statuses` if given. Each row: the dimensions by name, then students and each flag's count."""
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        raise ValueError(f"unknown tally dimension(s): {', '.join(unknown)}")
    rows = StudentTally.objects.all()
    if schools is not None:
        rows = rows.filter(schools)
    if statuses:
        rows = rows.filter(status__in=list(statuses))
    if filters:
        rows = rows.filter(**filters)
    sums = {f"_{m}": Sum(m) for m in MEASURES}
    if not by:
        found = rows.aggregate(**sums)
        return [{m: found[f"_{m}"] or 0 for m in MEASURES}]
    columns = [DIMENSIONS[d] for d in by]
    out = []
    for row in rows.values(*columns).order_by(*columns).annotate(**sums):
        item = {d: row[c] for d, c in zip(by, columns, strict=True)} | {m: row[f"_{m}"] or 0 for m in MEASURES}
        if any(item[m] for m in MEASURES):  # keys everyone left stay as rows of zeros
            out.append(item)
    return out


def total(schools: Q | None = None, *, statuses=None, **filters) -> int:
    """The number of records at the schools `schools` selects (all statuses unless `statuses`)."""
    return counts(schools, by=(), statuses=statuses, **filters)[0]["students"]


def _direct_sql() -> str:
    flags = ", ".join(f"SUM({FLAG_SQL[m].format(p='')})" for m in MEASURES[1:])
    return (f"SELECT school_id, grade, gender, status, COUNT(*), {flags} FROM students_student "
            f"GROUP BY school_id, grade, gender, status")


def direct() -> dict[tuple, tuple]:
    """The counts straight from the records: {(school, grade, gender, status): (students, flags…)}."""
    with connection.cursor() as cursor:
        cursor.execute(_direct_sql())
        return {tuple(row[:4]): tuple(int(v) for v in row[4:]) for row in cursor.fetchall()}


def tallied() -> dict[tuple, tuple]:
    found = {}
    for row in StudentTally.objects.values_list(*KEY, *MEASURES):
        if any(row[4:]):  # a key whose every student left it stays as a row of zeros
            found[tuple(row[:4])] = tuple(row[4:])
    return found


def verify() -> list[tuple]:
    """Keys where the tally and a direct count disagree: [(key, tallied, direct)], empty when exact."""
    with transaction.atomic():
        _lock_records()
        have, want = tallied(), direct()
    zero = (0,) * len(MEASURES)
    return [(key, have.get(key, zero), want.get(key, zero))
            for key in sorted(set(have) | set(want), key=str) if have.get(key, zero) != want.get(key, zero)]


def rebuild() -> int:
    """Replace the tally by a direct count (one GROUP BY) while writers wait; returns the rows written."""
    with transaction.atomic():
        _lock_records()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM students_studenttally")
            cursor.execute(f"INSERT INTO students_studenttally (school_id, grade, gender, status, "
                           f"{', '.join(MEASURES)}) {_direct_sql()}")
            written = cursor.rowcount
        audit.record(None, "students.tally_rebuild", object_type="tally", object_id="students",
                     details={"rows": written})
        return written


def _lock_records() -> None:
    # Writers wait (readers do not) so the count and the tally describe the same moment. SQLite's single
    # writer is held by the transaction's first write; a read-only verify there is a consistent snapshot.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE students_student IN SHARE MODE")
