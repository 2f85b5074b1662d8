"""Suspected duplicates of newly admitted records against the whole registry (第十四条), set-based.

The keys of every new record of a file go into temporary tables, and one join per kind of suspicion finds the
earlier records that share them: the same name in pinyin with the same gender and birth date, a guardian's ID
number with the same birth date, or an ID number two transposed characters away (checking.swapped_ids). Exact ID
matches are not here: those rows were refused or continued before (importer.py).

The tables fill chunk by chunk: a committing import adds each chunk's keys, and the registry's records born on
its birth dates (the cohort the name check compares with), on its write thread once the chunk is written, so the
database does that work while Python checks the next chunk. Only the joins are left for the end; on PostgreSQL the
guardian and ID joins are asked chunk by chunk too.
"""

from __future__ import annotations

import datetime
from contextlib import suppress
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from xueji.students.models import FamilyMember, Student

from .writer import make_writer

TABLES = ("intake_probe", "intake_guardian", "intake_swapped", "intake_dates", "intake_cohort")
_CREATE = (
    "CREATE TEMPORARY TABLE intake_probe (row_no integer, student_id bigint, pinyin varchar(200), "
    "gender varchar(1), birth date)",
    "CREATE TEMPORARY TABLE intake_guardian (row_no integer, student_id bigint, id_number varchar(30), birth date)",
    "CREATE TEMPORARY TABLE intake_swapped (row_no integer, student_id bigint, id_number varchar(30))",
    "CREATE TEMPORARY TABLE intake_dates (birth date PRIMARY KEY)",
    "CREATE TEMPORARY TABLE intake_cohort (id bigint, birth date, gender varchar(1), pinyin varchar(200))",
)


@dataclass(frozen=True)
class Probe:
    row: int
    pinyin: str
    gender: str
    birth_date: datetime.date
    swapped_ids: tuple[str, ...]
    guardian_ids: tuple[str, ...]


# The records born on a day some new record was born on (about one year's cohort) go into intake_cohort, read
# through the birth-date index, and the pinyin check joins that small table. The guardian check starts from the
# new guardians' ID numbers: most are in no family but their own new record's (left out at once, before the join
# to the students), which the family ID index answers without reading a row.
# CROSS JOIN fixes the join order on SQLite, whose pages written by the import itself are slow to scan (they sit
# in the write-ahead log until COMMIT); PostgreSQL plans the joins itself.
_COHORT_SQL = """
INSERT INTO intake_cohort (id, birth, gender, pinyin)
SELECT s.id, s.birth_date, s.gender, UPPER(REPLACE(s.name_pinyin, ' ', ''))
FROM intake_dates d CROSS JOIN {student} s WHERE s.birth_date = d.birth AND s.status <> '注销'
"""
_QUERIES = (
    ("pinyin", """
SELECT p.row_no, c.id FROM intake_cohort c CROSS JOIN intake_probe p
WHERE p.birth = c.birth AND p.gender = c.gender AND p.pinyin = c.pinyin AND c.id <> p.student_id
"""),
    ("guardian", """
SELECT g.row_no, s.id FROM intake_guardian g CROSS JOIN {family} f CROSS JOIN {student} s
WHERE f.id_number = g.id_number AND f.student_id <> g.student_id AND s.id = f.student_id AND s.birth_date = g.birth
AND s.status <> '注销'
"""),
    ("transposed_id", """
SELECT w.row_no, s.id FROM intake_swapped w CROSS JOIN {student} s
WHERE s.id_number = w.id_number AND s.id <> w.student_id AND s.status <> '注销'
"""),
)


class SuspectTables:
    """The temporary tables of one import pass: add() each chunk's probes, find() once at the end, close().
    It holds the importing thread's connection, hence its transaction, on whichever thread calls it."""

    def __init__(self, conn=None):
        self.conn = conn or connections[DEFAULT_DB_ALIAS]
        self.dates: set[datetime.date] = set()
        self.found: list[tuple[int, int, str]] = []
        self.made = False
        # Measured on 100,000 rows: asking the guardian and ID checks chunk by chunk takes 1.3 s off PostgreSQL's
        # end of the import, but made SQLite's import 8 s slower, so SQLite asks them at the end.
        self.per_chunk = self.conn.vendor == "postgresql"

    def add(self, probes: list[Probe], row_ids: dict[int, int]) -> None:
        """Store the probes; `row_ids` names the records the rows became, so that a written row does not find
        itself."""
        if not probes:
            return
        writer = make_writer(self.conn)
        value = writer.value
        with self.conn.cursor() as cursor:
            if not self.made:
                _drop(cursor)
                for sql in _CREATE:
                    cursor.execute(sql)
                self.made = True
            writer.insert("intake_probe", ["row_no", "student_id", "pinyin", "gender", "birth"],
                          [(p.row, row_ids.get(p.row, 0), p.pinyin, p.gender, value(p.birth_date)) for p in probes])
            writer.insert("intake_guardian", ["row_no", "student_id", "id_number", "birth"],
                          [(p.row, row_ids.get(p.row, 0), gid, value(p.birth_date)) for p in probes
                           for gid in p.guardian_ids])
            writer.insert("intake_swapped", ["row_no", "student_id", "id_number"],
                          [(p.row, row_ids.get(p.row, 0), number) for p in probes for number in p.swapped_ids])
            fresh = {p.birth_date for p in probes} - self.dates
            if fresh:
                writer.insert("intake_dates", ["birth"], [(value(day),) for day in fresh])
                cursor.execute(_COHORT_SQL.format(**self._names()))
                cursor.execute("DELETE FROM intake_dates")
                self.dates |= fresh
            if self.per_chunk:
                # The guardian and ID checks need no more than the chunk's own keys: asked now, while the
                # importing thread checks the next chunk, and their tables emptied again (kept small, they keep
                # PostgreSQL on the indexes without statistics).
                self.found += self._ask(cursor, _QUERIES[1:])
                cursor.execute("TRUNCATE intake_guardian, intake_swapped")

    def find(self) -> list[tuple[int, int, str]]:
        """(row, earlier record id, reason) for every suspicion among the probes added."""
        if not self.made:
            return []
        found = list(self.found)
        with self.conn.cursor() as cursor:
            cursor.execute("CREATE INDEX intake_probe_key ON intake_probe (birth, gender, pinyin)")
            if self.conn.vendor == "postgresql":
                cursor.execute(f"ANALYZE {', '.join(TABLES)}")
            found += self._ask(cursor, _QUERIES[:1] if self.per_chunk else _QUERIES)
        return found

    def _ask(self, cursor, queries) -> list[tuple[int, int, str]]:
        found = []
        for reason, sql in queries:
            cursor.execute(sql.format(**self._names()))
            found += [(row, pk, reason) for row, pk in cursor.fetchall()]
        return found

    def close(self) -> None:
        if self.made:
            # A failed statement has already doomed the transaction (and its temporary tables) on PostgreSQL.
            with suppress(DatabaseError), self.conn.cursor() as cursor:
                _drop(cursor)
            self.made = False

    def _names(self) -> dict[str, str]:
        qn = self.conn.ops.quote_name
        return {"student": qn(Student._meta.db_table), "family": qn(FamilyMember._meta.db_table)}


def _drop(cursor) -> None:
    for table in TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
