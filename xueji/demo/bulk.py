"""`xueji generate`: synthetic students in bulk for the benchmarks, written set-based.

Rows are built in Python by the same generator the demo uses (xueji.demo.synthetic) and sent per table in one
statement per batch: COPY ... FROM STDIN on PostgreSQL, executemany on SQLite. The whole run is one transaction
(all or nothing) with one audit row; batches only bound the memory held at once.

Measured on PostgreSQL 15 on a 2-core machine (with other work running): 100,000 students in 15 s and 1,000,000
in 2.7 minutes, of which about 60 s of Python and 42 s of PostgreSQL CPU time; each student brings two guardians,
a student number, an enrolment and a status event, and a share of them applications (xueji.demo.history).
"""

from __future__ import annotations

import datetime
import gc
import json
import math
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import JSONField, Max
from django.utils import timezone

from xueji.audit import services as audit
from xueji.orgs.models import Campus, School, SchoolClass
from xueji.policy.fields import STUDENT_FIELDS
from xueji.policy.province import get_policy
from xueji.students.models import Enrolment, FamilyMember, StatusEvent, Student, StudentNumber

from .history import add_history
from .loader import load_divisions
from .synthetic import IdAllocator, SchoolInfo, Synth, class_entry_year, places

STUDENTS_PER_SCHOOL = 1200
# Mix of synthetic schools, roughly Shanxi's: mostly primary schools, then junior, nine-year and high schools.
SCHOOL_TYPES = (("211", 50), ("311", 20), ("312", 12), ("342", 18))
TYPE_SUFFIX = {"211": "小学校", "311": "初级中学校", "312": "实验学校", "342": "高级中学校"}
BOARDING = {"211": 0.01, "311": 0.1, "312": 0.15, "342": 0.35}
CN_DIGITS = "零一二三四五六七八九"
PENDING_SHARE = 0.03  # of this autumn's entrants, still awaiting registration

# The columns the generator fills, per table; every other column gets its model default (see Table).
STUDENT_COLUMNS = ("id", "student_number", "status", "school_id", "school_class_id", "seat_number",
                   *(f.name for f in STUDENT_FIELDS if f.name not in ("photo", "school_class", "seat_number")))
FAMILY_COLUMNS = ("student_id", "position", "name", "relation", "relation_note", "ethnicity", "employer", "address",
                  "hukou_location", "phone", "is_guardian", "id_type", "id_number", "position_title")
NUMBER_COLUMNS = ("number", "student_id", "kind", "issued_at")
ENROLMENT_COLUMNS = ("student_id", "school_id", "grade", "school_class_id", "started_on", "entry_reason")
EVENT_COLUMNS = ("student_id", "at", "kind", "from_status", "to_status", "school_id", "note")


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
    if quota == 0:
        return []
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

LOADED_MODELS = (Student, StudentNumber, FamilyMember, Enrolment, StatusEvent)


class Table:
    """One table of a load: the columns the generator supplies, then every other column of the model filled with
    its default (auto_now fields with the load's time), so a field the models gain later needs no change here."""

    def __init__(self, model, supplied: tuple[str, ...]):
        fields = {f.attname: f for f in model._meta.concrete_fields}
        rest = [f for name, f in fields.items() if name not in supplied and not f.primary_key]
        self.model = model
        self.columns = [fields[name].column for name in supplied] + [f.column for f in rest]
        now = timezone.now()
        self.tail = tuple(self._default(f, now) for f in rest)

    @staticmethod
    def _default(field, now):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return field.get_db_prep_save(now, connection)
        value = field.get_default()
        if value is None and not field.null:
            raise ImproperlyConfigured(f"{field.model.__name__}.{field.name} 没有默认值,合成数据须为其赋值")
        if isinstance(field, JSONField):
            # As text once: a JSON adapter would serialise the same default again for every row.
            return json.dumps(value)
        return field.get_db_prep_save(value, connection)

    def rows(self, values) -> Iterator[tuple]:
        tail = self.tail
        return ((*row, *tail) for row in values)


class CopyWriter:
    """PostgreSQL: ids from the sequence in one query, rows by COPY FROM STDIN."""

    def reserve_ids(self, n: int) -> list[int]:
        table = Student._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
            return [row[0] for row in cursor.fetchall()]

    def write(self, table: Table, rows) -> None:
        qn = connection.ops.quote_name
        sql = f"COPY {qn(table.model._meta.db_table)} ({', '.join(qn(c) for c in table.columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in table.rows(rows):
                copy.write_row(row)

    @contextmanager
    def keys_and_indexes_built_once(self, rebuild_indexes: bool):
        """Drop the foreign keys (and, for a large load, the plain indexes) of the loaded tables and build them
        again at the end, in the same transaction.

        A deferred key costs one trigger call per row at commit and a b-tree takes one random insert per row;
        adding the key back checks every row in one set-based query and CREATE INDEX sorts once. The tables stay
        locked meanwhile, so run this while the registry is idle; a failure rolls the drop back with the rest.
        Unique indexes stay: they are what refuses a repeated student number.
        """
        tables = [m._meta.db_table for m in LOADED_MODELS]
        with connection.cursor() as cursor:
            # Rows written earlier in the transaction have their key checks pending; ALTER TABLE needs none.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])", [tables])
            keys = cursor.fetchall()
            for table, name, _definition in keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
            indexes = self._drop_plain_indexes(cursor, tables) if rebuild_indexes else []
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for definition in indexes:
                cursor.execute(definition)
            for table, name, definition in keys:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to how Django declares its keys

    @staticmethod
    def _drop_plain_indexes(cursor, tables: list[str]) -> list[str]:
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisunique AND NOT indisprimary", [tables])
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f"DROP INDEX {name}")
        return [definition for _name, definition in found]


class InsertWriter:
    """SQLite (and any other backend): executemany inside the run's transaction, which holds the write lock."""

    def reserve_ids(self, n: int) -> list[int]:
        table = connection.ops.quote_name(Student._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            start = cursor.fetchone()[0] + 1
        return list(range(start, start + n))

    def write(self, table: Table, rows) -> None:
        qn = connection.ops.quote_name
        sql = (f"INSERT INTO {qn(table.model._meta.db_table)} ({', '.join(qn(c) for c in table.columns)}) "
               f"VALUES ({', '.join(['%s'] * len(table.columns))})")
        with connection.cursor() as cursor:
            cursor.executemany(sql, table.rows(rows))

    @contextmanager
    def keys_and_indexes_built_once(self, rebuild_indexes: bool):
        # SQLite checks a key with one index probe per row; nothing to gain.
        yield


def make_writer():
    return CopyWriter() if connection.vendor == "postgresql" else InsertWriter()


# ------------------------------------------------------------------------------------------ batches


class BatchBuilder:
    """Turns seats into the rows of the five tables, with the student ids given."""

    def __init__(self, synth: Synth):
        self.synth = synth
        self.students = Table(Student, STUDENT_COLUMNS)
        self.numbers = Table(StudentNumber, NUMBER_COLUMNS)
        self.family = Table(FamilyMember, FAMILY_COLUMNS)
        self.enrolments = Table(Enrolment, ENROLMENT_COLUMNS)
        self.events = Table(StatusEvent, EVENT_COLUMNS)
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.registered_at: dict[int, object] = {}

    def registered(self, year: int):
        """Registrations of an intake were approved in its first weeks (第十一条's 15 days)."""
        if year not in self.registered_at:
            moment = timezone.make_aware(datetime.datetime(year, 9, 18, 9, 30))
            self.registered_at[year] = connection.ops.adapt_datetimefield_value(moment)
        return self.registered_at[year]

    def write(self, writer, batch: list[Seat]) -> None:
        """Students stream into the database as they are generated (PostgreSQL works on them meanwhile);
        the other tables' rows are collected on the way and sent after."""
        side = {"numbers": [], "family": [], "enrolments": [], "events": []}
        ids = writer.reserve_ids(len(batch))
        writer.write(self.students, self.student_rows(batch, ids, side))
        writer.write(self.numbers, side["numbers"])
        writer.write(self.family, side["family"])
        writer.write(self.enrolments, side["enrolments"])
        writer.write(self.events, side["events"])

    def student_rows(self, batch: list[Seat], ids: list[int], side: dict) -> Iterator[list]:
        rng = self.synth.rng
        for seat, student_id in zip(batch, ids, strict=True):
            record = self.synth.student(seat.school, seat.grade)
            pending = seat.grade in (1, 7, 10) and rng.random() < PENDING_SHARE
            yield self._student_row(record, seat, student_id, pending)
            self._side_rows(side, record, seat, student_id, pending)

    def _student_row(self, record: dict, seat: Seat, student_id: int, pending: bool) -> list:
        record.update(id=student_id, student_number=None if pending else "G" + record["id_number"],
                      status="待注册" if pending else "在籍", school_id=seat.school.code,
                      school_class_id=seat.class_id, seat_number=f"{seat.seat:02d}")
        return [record[name] for name in STUDENT_COLUMNS]

    def _side_rows(self, side: dict, record: dict, seat: Seat, student_id: int, pending: bool) -> None:
        for position, m in enumerate(record["family"], start=1):
            side["family"].append((student_id, position, m["name"], m["relation"], m["relation_note"],
                                   m["ethnicity"], m["employer"], m["address"], m["hukou_location"], m["phone"],
                                   m["is_guardian"], m["id_type"], m["id_number"], m["position"]))
        year = int(record["entry_month"][:4])
        school = seat.school.code
        side["enrolments"].append((student_id, school, seat.grade, seat.class_id, datetime.date(year, 9, 1),
                                   "新生入学"))
        if pending:
            side["events"].append((student_id, self.now, "建档", "", "待注册", school, "录入学生基本信息,待注册"))
            return
        number, registered = record["student_number"], self.registered(year)
        side["numbers"].append((number, student_id, "G", registered))
        side["events"].append((student_id, registered, "注册", "待注册", "在籍", school,
                               f"学籍注册审核通过,发放学籍号{number}"))


def generate(count: int, *, school_code: str | None = None, batch: int = 50_000, seed: int | None = None,
             report: Callable[[str], None] = print) -> dict:
    """Add `count` synthetic students in one transaction (all or nothing), with one audit row "demo.generate";
    returns what was written and how fast. `batch` bounds the rows held in memory at once."""
    seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
    started = time.monotonic()
    writer = make_writer()
    # Garbage collection would rescan millions of fresh rows again and again; nothing here forms cycles.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        with transaction.atomic(), writer.keys_and_indexes_built_once(rebuild_indexes=_large(count)):
            since = (Student.objects.aggregate(last=Max("id"))["last"] or 0) + 1
            summary = _load(writer, count, school_code, batch, seed, started, report)
            report("正在生成申请记录(待注册学生的注册申请、已办结的信息变更和休学申请)……")
            summary["applications"] = add_history(since, f"synthetic-{seed}")
            audit.record(None, "demo.generate", object_type="demo", object_id=school_code or "140000",
                         details=summary)
    finally:
        if gc_was_enabled:
            gc.enable()
    # Fresh statistics after a bulk load: without them PostgreSQL plans the next queries as if the tables
    # were still small (full scans for an import's ID probes). On PostgreSQL, outside a transaction, VACUUM as
    # well: it marks the new pages all-visible, so the covering indexes answer without reading the table (a
    # name search read 4,518 rows of the table for one page until autovacuum came, minutes later and in the
    # middle of whatever ran then), as in a registry that has been running for a while.
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
    seconds = time.monotonic() - started
    return summary | {"seconds": round(seconds, 1), "students_per_second": round(summary["students"] / seconds)}


def _large(count: int) -> bool:
    """Whether rebuilding the indexes beats updating them: when the load is big against what is there."""
    return count >= 50_000 and count * 2 >= Student.objects.count()


def _load(writer, count, school_code, batch, seed, started, report) -> dict:
    # Read inside the transaction (whose locks keep other writers out) so no new ID can repeat an old one.
    synth = Synth(seed, used_levels=IdAllocator.used_levels_from(existing_id_pairs()))
    planned, schools_created = plan(synth, count, school_code)
    builder, stream, done = BatchBuilder(synth), seats(planned), 0
    while chunk := list(islice(stream, batch)):
        builder.write(writer, chunk)
        done += len(chunk)
        report(f"已写入 {done:,}/{count:,} 名学生,{done / (time.monotonic() - started):,.0f} 名/秒")
    report("正在重建索引、校验外键并提交……")
    return {"students": done, "schools_created": schools_created, "classes_created": len(planned), "seed": seed,
            "database": connection.vendor}
