"""`xueji generate`: synthetic students in bulk for the benchmarks, written set-based.

Rows are built in Python by the same generator the demo uses (xueji.demo.synthetic) and sent per table in one
statement per batch: COPY ... FROM STDIN on PostgreSQL, executemany on SQLite. Each batch (students with their
numbers, guardians, enrolments and status events) commits on its own, so a record is never half written.
"""

from __future__ import annotations

import datetime
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone

from xueji.audit import services as audit
from xueji.orgs.models import Campus, School, SchoolClass
from xueji.policy.province import get_policy
from xueji.students.models import Enrolment, FamilyMember, StatusEvent, Student, StudentNumber

from .loader import load_divisions
from .synthetic import IdAllocator, SchoolInfo, Synth, class_entry_year, places

STUDENTS_PER_SCHOOL = 1200
# Mix of synthetic schools, roughly Shanxi's: mostly primary schools, then junior, nine-year and high schools.
SCHOOL_TYPES = (("211", 50), ("311", 20), ("312", 12), ("342", 18))
TYPE_SUFFIX = {"211": "小学校", "311": "初级中学校", "312": "实验学校", "342": "高级中学校"}
BOARDING = {"211": 0.01, "311": 0.1, "312": 0.15, "342": 0.35}
CN_DIGITS = "零一二三四五六七八九"
PENDING_SHARE = 0.03  # of this autumn's entrants, still awaiting registration

FAMILY_COLUMNS = ("student_id", "position", "name", "relation", "relation_note", "ethnicity", "employer", "address",
                  "hukou_location", "phone", "is_guardian", "id_type", "id_number", "position_title")
NUMBER_COLUMNS = ("number", "student_id", "kind", "issued_at", "replaced_at")
ENROLMENT_COLUMNS = ("student_id", "school_id", "grade", "school_class_id", "started_on", "ended_on", "entry_reason",
                     "exit_reason")
EVENT_COLUMNS = ("student_id", "at", "kind", "from_status", "to_status", "school_id", "actor_id", "note", "changes")


@dataclass(frozen=True)
class Seat:
    """One place to fill: a class of a school, in a grade."""

    school: SchoolInfo
    grade: int
    class_id: int
    seat: int


# ------------------------------------------------------------------------------------------ existing numbers


def existing_id_pairs() -> list[tuple[str, str]]:
    """(area, order) of every resident ID already stored, students and guardians, grouped in the database."""
    pairs = []
    with connection.cursor() as cursor:
        for model in (Student, FamilyMember):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(
                f"SELECT substr(id_number, 1, 6), substr(id_number, 15, 3) FROM {table} "
                "WHERE id_type = '1' AND length(id_number) = 18 GROUP BY 1, 2"
            )
            pairs += cursor.fetchall()
    return pairs


# ------------------------------------------------------------------------------------------ schools and classes


def chinese_number(n: int) -> str:
    """1-99 in Chinese numerals, as school names write them (第十五, 第二十三)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    head = "" if tens == 1 else CN_DIGITS[tens]
    return head + "十" + (CN_DIGITS[ones] if ones else "")


def _new_schools(synth: Synth, count: int) -> list[School]:
    """Enough synthetic schools for `count` students, spread over the counties (districts weigh more)."""
    rng = synth.rng
    counties = list(places().values())
    chosen = rng.choices(counties, weights=[3 if p.urban else 1 for p in counties], k=count)
    taken = set(School.objects.values_list("code", flat=True))
    types, weights = zip(*SCHOOL_TYPES, strict=True)
    schools = []
    for place in chosen:
        seq = next(n for n in range(100, 1000) if f"1{place.code}{n}" not in taken)
        code = f"1{place.code}{seq}"
        taken.add(code)
        school_type = rng.choices(types, weights)[0]
        prefix = place.city_name + place.name if place.urban else place.name
        number = chinese_number(seq - 99) if seq < 199 else str(seq - 99)
        schools.append(School(
            code=code, name=f"{prefix}第{number}{TYPE_SUFFIX[school_type]}", school_type=school_type,
            ownership="private" if rng.random() < 0.08 else "public", county_id=place.code,
            city_id=place.city_code, address=synth.address(place),
        ))
    School.objects.bulk_create(schools)
    Campus.objects.bulk_create([Campus(school=s, name="主校区", address=s.address, is_main=True) for s in schools])
    return schools


def _grade_quotas(total: int, grades: range) -> dict[int, int]:
    base, extra = divmod(total, len(grades))
    return {grade: base + (1 if i < extra else 0) for i, grade in enumerate(grades)}


def _class_sizes(quota: int, grade: int) -> list[int]:
    """Fill classes near, never above, the normal cap of 第十三条."""
    normal, _hard = get_policy().class_caps(grade)
    target = normal - 2
    n = max(1, math.ceil(quota / target))
    base, extra = divmod(quota, n)
    return [base + (1 if i < extra else 0) for i in range(n)]


def _plan_classes(synth: Synth, school: School, quota: int) -> list[tuple[SchoolClass, int]]:
    """New classes for `quota` students of the school, named after the classes it already has."""
    taken = set(SchoolClass.objects.filter(school=school).values_list("entry_year", "name"))
    planned = []
    for grade, grade_quota in _grade_quotas(quota, school.grades).items():
        year = class_entry_year(grade, school.grades.start, synth.school_year)
        number = 0
        for size in _class_sizes(grade_quota, grade):
            number += 1
            while (year, f"{number}班") in taken:
                number += 1
            head = synth.adult_name("1" if synth.rng.random() < 0.3 else "2")
            planned.append((SchoolClass(school=school, grade=grade, name=f"{number}班", entry_year=year,
                                        head_teacher=head), size))
    return planned


def plan(synth: Synth, count: int, school_code: str | None = None) -> tuple[list[tuple[SchoolClass, int]], int]:
    """Create the schools and classes the students will fill: ([(class, size)], schools created)."""
    with transaction.atomic():
        load_divisions()
        if school_code:
            schools, created = [School.objects.get(code=school_code)], 0
        else:
            schools = _new_schools(synth, math.ceil(count / STUDENTS_PER_SCHOOL))
            created = len(schools)
        base, extra = divmod(count, len(schools))
        planned = []
        for i, school in enumerate(schools):
            planned += _plan_classes(synth, school, base + (1 if i < extra else 0))
        SchoolClass.objects.bulk_create([c for c, _size in planned])
    return planned, created


def seats(planned: list[tuple[SchoolClass, int]]) -> Iterator[Seat]:
    infos: dict[str, SchoolInfo] = {}
    for school_class, size in planned:
        school = school_class.school
        info = infos.get(school.code)
        if info is None:
            info = infos[school.code] = SchoolInfo(school.code, school.county_id, school.school_type,
                                                   school.ownership == "private",
                                                   BOARDING.get(school.school_type, 0.05))
        for seat in range(1, size + 1):
            yield Seat(info, school_class.grade, school_class.pk, seat)


# ------------------------------------------------------------------------------------------ writers


class CopyWriter:
    """PostgreSQL: ids from the sequence in one query, rows by COPY FROM STDIN."""

    def reserve_ids(self, n: int) -> list[int]:
        table = Student._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
            return [row[0] for row in cursor.fetchall()]

    def write(self, model, columns, rows) -> None:
        qn = connection.ops.quote_name
        sql = f"COPY {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


class InsertWriter:
    """SQLite (and any other backend): executemany inside the batch's transaction, which holds the write lock."""

    def reserve_ids(self, n: int) -> list[int]:
        table = connection.ops.quote_name(Student._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            start = cursor.fetchone()[0] + 1
        return list(range(start, start + n))

    def write(self, model, columns, rows) -> None:
        qn = connection.ops.quote_name
        sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "
               f"VALUES ({', '.join(['%s'] * len(columns))})")
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def make_writer():
    return CopyWriter() if connection.vendor == "postgresql" else InsertWriter()


# ------------------------------------------------------------------------------------------ batches


class BatchBuilder:
    """Turns seats into the rows of the five tables, with the student ids given."""

    student_fields = [f.attname for f in Student._meta.concrete_fields]
    student_columns = [f.column for f in Student._meta.concrete_fields]

    def __init__(self, synth: Synth):
        self.synth = synth
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.registered_at: dict[int, object] = {}

    def registered(self, year: int):
        """Registrations of an intake were approved in its first weeks (第十一条's 15 days)."""
        if year not in self.registered_at:
            moment = timezone.make_aware(datetime.datetime(year, 9, 18, 9, 30))
            self.registered_at[year] = connection.ops.adapt_datetimefield_value(moment)
        return self.registered_at[year]

    def build(self, batch: list[Seat], ids: list[int]) -> dict:
        rows = {"students": [], "numbers": [], "family": [], "enrolments": [], "events": []}
        rng = self.synth.rng
        for seat, student_id in zip(batch, ids, strict=True):
            record = self.synth.student(seat.school, seat.grade)
            pending = seat.grade in (1, 7, 10) and rng.random() < PENDING_SHARE
            self._add(rows, record, seat, student_id, pending)
        return rows

    def _add(self, rows: dict, record: dict, seat: Seat, student_id: int, pending: bool) -> None:
        family = record.pop("family")
        number = None if pending else "G" + record["id_number"]
        record.update(id=student_id, student_number=number, status="待注册" if pending else "在籍",
                      school_id=seat.school.code, school_class_id=seat.class_id, seat_number=f"{seat.seat:02d}",
                      photo="", photo_retake_needed=False, created_at=self.now, updated_at=self.now,
                      created_by_id=None)
        rows["students"].append([record[name] for name in self.student_fields])
        for position, m in enumerate(family, start=1):
            rows["family"].append((student_id, position, m["name"], m["relation"], m["relation_note"], m["ethnicity"],
                                   m["employer"], m["address"], m["hukou_location"], m["phone"], m["is_guardian"],
                                   m["id_type"], m["id_number"], m["position"]))
        year = int(record["entry_month"][:4])
        rows["enrolments"].append((student_id, seat.school.code, seat.grade, seat.class_id,
                                   datetime.date(year, 9, 1), None, "新生入学", ""))
        if pending:
            rows["events"].append((student_id, self.now, "建档", "", "待注册", seat.school.code, None,
                                   "录入学生基本信息,待注册", "{}"))
        else:
            registered = self.registered(year)
            rows["numbers"].append((number, student_id, "G", registered, None))
            rows["events"].append((student_id, registered, "注册", "待注册", "在籍", seat.school.code, None,
                                   f"学籍注册审核通过,发放学籍号{number}", "{}"))

    def write(self, writer, rows: dict) -> None:
        writer.write(Student, self.student_columns, rows["students"])
        writer.write(StudentNumber, NUMBER_COLUMNS, rows["numbers"])
        writer.write(FamilyMember, FAMILY_COLUMNS, rows["family"])
        writer.write(Enrolment, ENROLMENT_COLUMNS, rows["enrolments"])
        writer.write(StatusEvent, EVENT_COLUMNS, rows["events"])


def generate(count: int, *, school_code: str | None = None, batch: int = 50_000, seed: int | None = None,
             report: Callable[[str], None] = print) -> dict:
    """Add `count` synthetic students; returns what was written and how fast."""
    seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
    synth = Synth(seed, used_levels=IdAllocator.used_levels_from(existing_id_pairs()))
    started = time.monotonic()
    planned, schools_created = plan(synth, count, school_code)
    builder, writer = BatchBuilder(synth), make_writer()
    stream, done = seats(planned), 0
    while chunk := list(islice(stream, batch)):
        with transaction.atomic():
            builder.write(writer, builder.build(chunk, writer.reserve_ids(len(chunk))))
        done += len(chunk)
        elapsed = time.monotonic() - started
        report(f"已写入 {done:,}/{count:,} 名学生,{done / elapsed:,.0f} 名/秒")
    elapsed = time.monotonic() - started
    summary = {"students": done, "schools_created": schools_created, "classes_created": len(planned),
               "seconds": round(elapsed, 1), "students_per_second": round(done / elapsed) if elapsed else done,
               "seed": seed, "database": connection.vendor}
    with transaction.atomic():
        audit.record(None, "demo.generate", object_type="demo", object_id=school_code or "140000", details=summary)
    return summary

