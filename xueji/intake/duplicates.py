"""Suspected duplicates of newly admitted records against the whole registry (第十四条), set-based.

The keys of every new record of a file go into a temporary table, and one join per kind of suspicion finds the
earlier records that share them: the same name in pinyin with the same gender and birth date, a guardian's ID
number with the same birth date, or an ID number two transposed characters away (importer.swapped_ids). Exact ID
matches are not here: those rows were refused or continued before (importer.py). The registry side of the name
check, the records born on the new records' birth dates (Cohort), is gathered while the import runs.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections

from xueji.students.models import FamilyMember, Student

from .writer import make_writer

TABLES = ("intake_probe", "intake_guardian", "intake_swapped", "intake_dates", "intake_cohort")


@dataclass(frozen=True)
class Probe:
    row: int
    pinyin: str
    gender: str
    birth_date: datetime.date
    swapped_ids: tuple[str, ...]
    guardian_ids: tuple[str, ...]


class Cohort:
    """intake_cohort, filled as birth dates turn up: a committing import extends it on its write thread after
    each chunk (the database's work, done while Python checks the next chunk), so that at the end only the
    joins remain. It holds the importing thread's connection, hence its transaction, on either thread."""

    def __init__(self, conn=None):
        self.conn = conn or connections[DEFAULT_DB_ALIAS]
        self.dates: set[datetime.date] = set()
        self.made = False

    def extend(self, dates: set[datetime.date]) -> None:
        fresh = dates - self.dates
        if not fresh:
            return
        writer = make_writer(self.conn)
        with self.conn.cursor() as cursor:
            if not self.made:
                for table in ("intake_dates", "intake_cohort"):
                    cursor.execute(f"DROP TABLE IF EXISTS {table}")
                cursor.execute("CREATE TEMPORARY TABLE intake_dates (birth date PRIMARY KEY)")
                cursor.execute("CREATE TEMPORARY TABLE intake_cohort (id bigint, birth date, gender varchar(1), "
                               "pinyin varchar(200))")
                self.made = True
            writer.insert("intake_dates", ["birth"], [(writer.value(day),) for day in fresh])
            cursor.execute(_COHORT_SQL.format(**_names(self.conn)))
            cursor.execute("DELETE FROM intake_dates")
        self.dates |= fresh

    def close(self) -> None:
        if self.made:
            # A failed statement has already doomed the transaction (and its temporary tables) on PostgreSQL.
            with suppress(DatabaseError), self.conn.cursor() as cursor:
                for table in ("intake_dates", "intake_cohort"):
                    cursor.execute(f"DROP TABLE IF EXISTS {table}")
            self.made = False


def registry_suspects(probes: list[Probe], row_ids: dict[int, int], cohort: Cohort | None = None
                      ) -> list[tuple[int, int, str]]:
    """(row, earlier record id, reason) for every suspicion; `row_ids` names the records rows became, so a
    written row does not find itself. `cohort` may already hold the records born on the probes' birth dates."""
    if not probes:
        return []
    cohort = cohort or Cohort()
    cohort.extend({p.birth_date for p in probes})
    with _probe_tables(probes, row_ids):
        found = _query(_PINYIN_SQL, "pinyin")
        found += _query(_GUARDIAN_SQL, "guardian")
        found += _query(_SWAPPED_SQL, "transposed_id")
    return found


def _names(conn=connection) -> dict[str, str]:
    qn = conn.ops.quote_name
    return {"student": qn(Student._meta.db_table), "family": qn(FamilyMember._meta.db_table)}


# The records born on a day some new record was born on (about one year's cohort) go into intake_cohort, read
# through the birth-date index, and the pinyin check joins that small table. The guardian check starts from the
# new guardians' ID numbers: most are in no family yet, which the family ID index answers without reading a row.
# CROSS JOIN fixes the join order on SQLite, whose pages written by the import itself are slow to scan (they sit
# in the write-ahead log until COMMIT); PostgreSQL plans the joins itself.
_COHORT_SQL = """
INSERT INTO intake_cohort (id, birth, gender, pinyin)
SELECT s.id, s.birth_date, s.gender, UPPER(REPLACE(s.name_pinyin, ' ', ''))
FROM intake_dates d CROSS JOIN {student} s WHERE s.birth_date = d.birth AND s.status <> '注销'
"""
_PINYIN_SQL = """
SELECT p.row_no, c.id FROM intake_cohort c CROSS JOIN intake_probe p
WHERE p.birth = c.birth AND p.gender = c.gender AND p.pinyin = c.pinyin AND c.id <> p.student_id
"""
_GUARDIAN_SQL = """
SELECT g.row_no, s.id FROM intake_guardian g CROSS JOIN {family} f CROSS JOIN {student} s
WHERE f.id_number = g.id_number AND s.id = f.student_id AND s.birth_date = g.birth AND s.id <> g.student_id
AND s.status <> '注销'
"""
_SWAPPED_SQL = """
SELECT w.row_no, s.id FROM intake_swapped w CROSS JOIN {student} s
WHERE s.id_number = w.id_number AND s.id <> w.student_id AND s.status <> '注销'
"""


def _query(sql: str, reason: str) -> list[tuple[int, int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**_names()))
        return [(row, pk, reason) for row, pk in cursor.fetchall()]


@contextmanager
def _probe_tables(probes: list[Probe], row_ids: dict[int, int]) -> Iterator[None]:
    writer = make_writer()
    statements = [
        "CREATE TEMPORARY TABLE intake_probe (row_no integer, student_id bigint, pinyin varchar(200), "
        "gender varchar(1), birth date)",
        "CREATE TEMPORARY TABLE intake_guardian (row_no integer, student_id bigint, id_number varchar(30), "
        "birth date)",
        "CREATE TEMPORARY TABLE intake_swapped (row_no integer, student_id bigint, id_number varchar(30))",
    ]
    with connection.cursor() as cursor:
        _drop(cursor)
        for sql in statements:
            cursor.execute(sql)
    try:
        value = writer.value
        writer.insert("intake_probe", ["row_no", "student_id", "pinyin", "gender", "birth"],
                      [(p.row, row_ids.get(p.row, 0), p.pinyin, p.gender, value(p.birth_date)) for p in probes])
        writer.insert("intake_guardian", ["row_no", "student_id", "id_number", "birth"],
                      [(p.row, row_ids.get(p.row, 0), gid, value(p.birth_date)) for p in probes
                       for gid in p.guardian_ids])
        writer.insert("intake_swapped", ["row_no", "student_id", "id_number"],
                      [(p.row, row_ids.get(p.row, 0), number) for p in probes for number in p.swapped_ids])
        with connection.cursor() as cursor:
            cursor.execute("CREATE INDEX intake_probe_key ON intake_probe (birth, gender, pinyin)")
            cursor.execute("CREATE INDEX intake_guardian_key ON intake_guardian (id_number, birth)")
            if connection.vendor == "postgresql":
                for table in TABLES:
                    cursor.execute(f"ANALYZE {table}")
        yield
    finally:
        # A failed statement has already doomed the transaction (and its temporary tables) on PostgreSQL.
        with suppress(DatabaseError), connection.cursor() as cursor:
            _drop(cursor)


def _drop(cursor) -> None:
    for table in ("intake_probe", "intake_guardian", "intake_swapped"):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
