"""One pass over an admission spreadsheet: read, validate, check against the registry and, when committing, write.

The same pass serves the check before a commit (write=False: nothing is written, every problem is reported) and
the commit itself (write=True, inside the caller's transaction). Rows stream through in chunks, so memory does not
grow with the file, and every chunk costs a fixed number of queries:
  - one look-up of the chunk's ID numbers (refusal or continuation, 第四条/第十二条/第十四条), one of its student
    numbers and one of its name + gender + birth date keys for rows without an ID number;
  - the suspected duplicates of the whole file (same name in pinyin with gender and birth date, same guardian ID
    with birth date, ID with two adjacent characters swapped) are found at the end by one join per kind;
  - the rows are written per table and per chunk (writer.py).
"""

from __future__ import annotations

import datetime
import gc
import json
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from xueji.core.inputs import parse_id
from xueji.orgs.models import School, SchoolClass
from xueji.orgs.permissions import SchoolPolicy
from xueji.placement.selectors import class_loads
from xueji.policy import codes, continuation, province
from xueji.policy.fast import RowReader
from xueji.policy.fields import CONTROLLED_FIELDS, GRADE_LABELS, field_label
from xueji.policy.record import controlled_violation
from xueji.policy.violations import Violation
from xueji.students.models import Enrolment, FamilyMember, StatusEvent, Student, StudentNumber
from xueji.students.services import COLUMN_FIELDS, FAMILY_COLUMNS, pinyin_of
from xueji.workdays.stages import stage_over_on

from . import checking
from .checking import UNDETECTED_SWAPS, swapped_ids  # noqa: F401 - where callers find them
from .duplicates import Probe, SuspectTables
from .sheets import NUMBER_COLUMN, Sheet
from .writer import Table, bulk_session, make_staging, make_writer

CHUNK = 2000
MAX_STORED_ERRORS = 20_000
ACTIVE = ("在籍", "休学", "待注册")
COLUMN_NAMES = {"header": "表头", "family": "家庭成员或监护人", "student_number": NUMBER_COLUMN}
STUDENT_TABLE = Student._meta.db_table

STUDENTS = Table(Student, with_id=True)
FAMILY = Table(FamilyMember)
ENROLMENTS = Table(Enrolment)
EVENTS = Table(StatusEvent)
# What a continuing record takes from the new school's row: every item except the controlled ones (第十五条, and
# the grade, 第二十三条, which continuation sets itself).
_CONTINUED_FIELDS = [n for n in COLUMN_FIELDS if n not in CONTROLLED_FIELDS]


@lru_cache(maxsize=200_000)
def name_pinyin(name: str) -> str:
    """pinyin_of, remembered: the duplicate probe and the new record both ask for it."""
    return pinyin_of(name)


def pinyin_key(name: str) -> str:
    """The name in pinyin without spaces, the form the suspected-duplicate check compares."""
    return name_pinyin(name).replace(" ", "")


@dataclass
class Match:
    """An existing record a row points at, with what the decision needs."""

    pk: int
    status: str
    school_id: str
    grade: int
    name: str
    gender: str
    birth_date: datetime.date
    id_type: str
    id_number: str
    student_number: str | None

    FIELDS = ("id", "status", "school_id", "grade", "name", "gender", "birth_date", "id_type", "id_number",
              "student_number")

    @classmethod
    def of(cls, values: dict) -> Match:
        values = dict(values)
        values["pk"] = values.pop("id")
        return cls(**values)


def _rank(match: Match) -> int:
    # When one ID names several records (an old void one and a live one), the live one decides.
    if match.status in ACTIVE:
        return 0
    return 2 if match.status == "注销" else 1


@dataclass
class Row:
    number: int
    data: dict
    errors: list[Violation]
    student_number: str = ""
    target: Match | None = None
    class_id: int | None = None
    student_id: int | None = None
    suspects: list[tuple[int, str]] = field(default_factory=list)  # (existing record id, reason)
    twins: tuple[str, ...] | None = None  # swapped_ids of a valid resident ID, when the check computed them

    def has_error_on(self, name: str) -> bool:
        return any(v.field == name for v in self.errors)

    def fail(self, code: str, message: str, *, field: str = "id_number", article: str | None = "第十四条") -> None:
        self.errors.append(Violation(code, message, article=article, field=field))


@dataclass
class Outcome:
    rows_total: int = 0
    rows_ok: int = 0
    rows_new: int = 0
    rows_continued: int = 0
    error_count: int = 0
    errors: list[dict] = field(default_factory=list)
    bad_rows: list[int] = field(default_factory=list)
    suspected_rows: set[int] = field(default_factory=set)
    # (new record id, existing record id, reason), only when written.
    cases: list[tuple[int, int, str]] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)
    written: bool = False


def _through_placement(v: Violation, school_class: SchoolClass, size: int) -> Violation:
    """Past a normal cap a class needs a written reason that the authority reviews (第十三条). The file has no
    column for it: the row is refused and pointed to placement, where the reason is given."""
    if v.code != "class_over_normal_cap_needs_reason":
        return v
    normal, _hard = school_class.caps
    message = (f"编入“{school_class}”后该班将达{size}人,超过常规班额{normal}人(第十三条)。导入表不能填写超额理由:"
               f"请将该行“班级”留空导入,再通过编班将该生编入并提交超额理由,由学籍主管部门审核(第十三条)")
    return Violation(v.code, message, v.article, v.field, v.severity)


def error_item(row: int, v: Violation) -> dict:
    column = COLUMN_NAMES.get(v.field or "") or (field_label(v.field) if v.field else "")
    return {"row": row, "column": column, "field": v.field, "code": v.code, "article": v.article,
            "message": v.message}


def _chunks(items: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(items, size)):
        yield chunk


class ImportPass:
    """Reads a sheet for one school on behalf of its registrar. `write` commits good rows (the caller holds the
    transaction); `all_or_nothing` stops writing at the first bad row (the caller then rolls back)."""

    def __init__(self, school: School, actor, *, batch_id: int | None = None, write: bool = False,
                 all_or_nothing: bool = False, progress: Callable[[int, str], None] | None = None,
                 today: datetime.date | None = None):
        self.school, self.actor, self.batch_id = school, actor, batch_id
        self.write, self.all_or_nothing = write, all_or_nothing
        self.progress = progress or (lambda done, phase: None)
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self.stage_over = stage_over_on(self.today)
        self.outcome = Outcome()
        self.writer = make_writer() if write else None
        self.staging = make_staging(self.writer) if write else None
        self.seen_ids: dict[tuple[str, str], int] = {}
        self.seen_numbers: dict[str, int] = {}
        self.seen_unidentified: dict[tuple, int] = {}
        self.in_file_keys: dict[tuple, int] = {}
        self.in_file_pairs: list[tuple[int, int, str]] = []  # (row, earlier row, reason)
        self.probes: list[Probe] = []  # the new rows' since the last chunk was handed over
        self.suspect_tables = SuspectTables()
        self.pending_suspects: list[tuple[int, int, str]] = []  # (row, earlier record id, reason)
        self.row_ids: dict[int, int] = {}
        self.new_grades: dict[int, int] = {}  # new record id -> grade, for the authority and the applications
        self.visible_schools: dict[str, str] = {}

    @property
    def writing(self) -> bool:
        # An all-or-nothing commit stops writing at the first bad row; the caller rolls the rest back.
        return self.write and not (self.all_or_nothing and self.outcome.error_count)

    # ------------------------------------------------------------------------------------------ the pass

    def run(self, sheet: Sheet) -> Outcome:
        with _import_runtime(), bulk_session(), _WritePipeline(self.write) as self.pipeline:
            try:
                return self._run(sheet)
            finally:
                self.pipeline.wait_quietly()
                if self.staging is not None:
                    self.staging.drop()
                self.suspect_tables.close()

    def _run(self, sheet: Sheet) -> Outcome:
        self.reader = RowReader(sheet.header, school_type=self.school.school_type, today=self.today)
        self.number_index = sheet.header.index(NUMBER_COLUMN) if NUMBER_COLUMN in sheet.header else None
        self._load_classes()
        helpers = ((list(sheet.header), self.school.school_type, self.today)
                   if checking.use_helpers(sheet.size_hint) else None)
        for chunk, checked in checking.checked_chunks(self.reader, _chunks(sheet.rows, CHUNK), helpers=helpers):
            rows = [self._read(number, cells, *result) for (number, cells), result in zip(chunk, checked, strict=True)]
            # The previous chunk's writes must be done before this chunk reads the registry.
            self.pipeline.wait()
            self._match_registry(rows)
            for row in rows:
                if not row.errors:
                    self._place(row)
            self._tally(rows)
            probes, self.probes = self.probes, []
            if self.writing:
                write = self._prepare_write(rows)
                ids = {p.row: self.row_ids.get(p.row, 0) for p in probes}
                # The chunk's keys go to the suspected-duplicate tables on the write thread, once it is written.
                self.pipeline.submit(
                    lambda write=write, probes=probes, ids=ids: (write(), self.suspect_tables.add(probes, ids)))
            else:
                self.suspect_tables.add(probes, {})
            self.progress(self.outcome.rows_total, "校验并写入" if self.write else "校验")
        self.pipeline.wait()
        self.outcome.written = self.writing
        self.progress(self.outcome.rows_total, "查找疑似重复")
        self._suspects()
        return self.outcome

    def _read(self, number: int, cells: list, data: dict, errors: list[Violation], twins: tuple | None) -> Row:
        row = Row(number, data, errors, twins=twins)
        if self.number_index is not None:
            value = cells[self.number_index]
            row.student_number = "".join(str(value or "").split()).upper()
        self._in_file_duplicate(row)
        return row

    def _in_file_duplicate(self, row: Row) -> None:
        # The same child twice in one file: the later row is refused, naming the earlier one (第十四条).
        data = row.data
        if data.get("id_number") and not row.has_error_on("id_number"):
            key = (data.get("id_type") or "", data["id_number"])
            if key in self.seen_ids:
                row.fail("duplicate_in_file", f"身份证件号与第{self.seen_ids[key]}行相同,同一学生只能导入一次(第十四条)")
            else:
                self.seen_ids[key] = row.number
        if row.student_number:
            earlier = self.seen_numbers.setdefault(row.student_number, row.number)
            if earlier != row.number:
                row.fail("duplicate_in_file", f"学籍号与第{earlier}行相同,同一学生只能导入一次(第十四条)",
                         field="student_number")
        if data.get("id_type") == codes.ID_TYPE_NONE and not row.student_number:
            key = (data.get("name"), data.get("gender"), data.get("birth_date"))
            if all(key):
                earlier = self.seen_unidentified.setdefault(key, row.number)
                if earlier != row.number:
                    row.fail("duplicate_in_file", f"与第{earlier}行姓名、性别、出生日期相同且均无身份证件号,"
                             "疑似同一学生重复填写(第十四条),请核对", field="name")

    # ------------------------------------------------------------------------------------------ the registry

    def _match_registry(self, rows: list[Row]) -> None:
        by_id = self._existing_by_id(rows)
        by_number = self._existing_by_number(rows)
        unidentified = self._existing_unidentified(rows)
        self._remember_schools([*by_id.values(), *by_number.values(),
                                *(m for ms in unidentified.values() for m in ms)])
        for row in rows:
            data = row.data
            match = by_id.get((data.get("id_type"), data.get("id_number")))
            if row.student_number and not row.has_error_on("student_number"):
                numbered = by_number.get(row.student_number)
                if numbered is None:
                    row.fail("unknown_student_number", f"学籍号{row.student_number}在全省学籍中不存在,请核对;"
                             "新生请将学籍号一列留空", field="student_number", article="第四条")
                    continue
                if (match and match.pk != numbered.pk) or (
                        data.get("id_number") and numbered.id_number and numbered.id_number != data["id_number"]):
                    row.fail("number_id_mismatch", "学籍号与身份证件号不属于同一学生,请核对两列", field="student_number",
                             article=None)
                    continue
                match = numbered
            if match is not None:
                self._decide(row, match)
            elif data.get("id_type") == codes.ID_TYPE_NONE:
                self._unidentified(row, unidentified)

    def _existing_by_id(self, rows: list[Row]) -> dict[tuple[str, str], Match]:
        numbers = {r.data["id_number"] for r in rows if r.data.get("id_number") and not r.has_error_on("id_number")}
        if not numbers:
            return {}
        qs = Student.objects.filter(id_number__in=numbers).order_by()
        if self.write:
            # Lock the records a continuation will move, so no other change slips in between (PostgreSQL).
            qs = qs.select_for_update()
        found: dict[tuple[str, str], Match] = {}
        for values in qs.values(*Match.FIELDS):
            match = Match.of(values)
            key = (match.id_type, match.id_number)
            if key not in found or _rank(match) < _rank(found[key]):
                found[key] = match
        return found

    def _existing_by_number(self, rows: list[Row]) -> dict[str, Match]:
        numbers = {r.student_number for r in rows if r.student_number}
        if not numbers:
            return {}
        owners = dict(StudentNumber.objects.filter(number__in=numbers).values_list("number", "student_id"))
        qs = Student.objects.filter(pk__in=set(owners.values())).order_by()
        if self.write:
            qs = qs.select_for_update()
        records = {v["id"]: Match.of(v) for v in qs.values(*Match.FIELDS)}
        return {number: records[pk] for number, pk in owners.items() if pk in records}

    def _existing_unidentified(self, rows: list[Row]) -> dict[tuple, list[Match]]:
        """Records with the name, gender and birth date of rows that carry no ID number (uses the name index)."""
        keys = {(r.data.get("name"), r.data.get("gender"), r.data.get("birth_date"))
                for r in rows if r.data.get("id_type") == codes.ID_TYPE_NONE and not r.student_number}
        keys = {k for k in keys if all(k)}
        if not keys:
            return {}
        found: dict[tuple, list[Match]] = {}
        qs = Student.objects.filter(name__in={k[0] for k in keys}).exclude(status="注销").order_by()
        for values in qs.values(*Match.FIELDS):
            match = Match.of(values)
            key = (match.name, match.gender, match.birth_date)
            if key in keys:
                found.setdefault(key, []).append(match)
        return found

    def _remember_schools(self, matches: list[Match]) -> None:
        codes_ = {m.school_id for m in matches} - set(self.visible_schools)
        if codes_:
            visible = SchoolPolicy.visible_to(self.actor).filter(code__in=codes_).values_list("code", "name")
            self.visible_schools.update(dict(visible))

    def _where(self, match: Match) -> str:
        # Only what the registrar's jurisdiction allows: the other school's name if he may see it (第十四条).
        return self.visible_schools.get(match.school_id, "省内其他学校")

    def _decide(self, row: Row, match: Match) -> None:
        """Refuse the row, or let the new school take the record over: the rule is the policy's, the same for the
        single-student form (xueji.policy.continuation)."""
        record = continuation.ExistingRecord(status=match.status, grade=match.grade, school=match.school_id,
                                             where=self._where(match))
        grade = row.data.get("grade")
        refused = continuation.refusal(record, school=self.school.pk, grade=grade if isinstance(grade, int) else None,
                                       stage_is_over=self.stage_over)
        if refused is not None:
            row.errors.append(refused)
            if refused.code == "already_in_school" and isinstance(grade, int) and grade != match.grade:
                # An import never changes a grade either: no 留级 (第二十三条).
                row.errors.append(controlled_violation("grade"))
        elif row.data.get("name") != match.name:
            row.fail("continuation_name_mismatch", "身份证件号或学籍号与全省已有学籍一致,但姓名不一致,请核对;"
                     "如姓名确有变更,须办理学籍信息变更(第十五条)", field="name", article="第十五条")
        else:
            row.target = match

    def _unidentified(self, row: Row, found: dict[tuple, list[Match]]) -> None:
        key = (row.data.get("name"), row.data.get("gender"), row.data.get("birth_date"))
        matches = found.get(key, [])
        if any(m.id_type == codes.ID_TYPE_NONE or not m.id_number for m in matches):
            row.fail("duplicate_unidentified", "全省已有姓名、性别、出生日期相同且无身份证件号的学籍,不得重复建立"
                     "(第十四条);升学接续的学生请在“学籍号”列填写原学籍号,转入的学生请办理转学手续", field="name")
        else:
            row.suspects += [(m.pk, "name_birth") for m in matches]

    # ------------------------------------------------------------------------------------------ classes

    def _load_classes(self) -> None:
        classes = SchoolClass.objects.filter(school=self.school).order_by("pk")
        if self.write:
            # Two registrars placing pupils at the same moment queue here (第十三条).
            classes = classes.select_for_update()
        self.classes = list(classes)
        # Counted as every other way into a class counts (第十三条): the students sitting there, the 借读 guests,
        # and the seats that placements awaiting approval hold.
        loads = class_loads([c.pk for c in self.classes])
        self.class_sizes = {pk: load.counted for pk, load in loads.items()}

    def _place(self, row: Row) -> None:
        value = row.data.get("school_class")
        if value in (None, ""):
            return
        grade = row.data.get("grade")
        text = str(value)
        found = (next((c for c in self.classes if c.name == text and c.grade == grade), None)
                 or next((c for c in self.classes if c.name == f"{text}班" and c.grade == grade), None)
                 or next((c for c in self.classes if c.pk == parse_id(text)), None))
        if found is None:
            row.fail("unknown_class", f"班级“{text}”不存在于本校{GRADE_LABELS.get(grade, '')},请先建立班级或留空"
                     "(班级可在入学后编排,第十三条)", field="school_class", article=None)
            return
        if found.grade != grade:
            row.fail("class_grade_mismatch", f"班级“{found}”属于其他年级,请选择{GRADE_LABELS.get(grade, '')}的班级",
                     field="school_class", article=None)
            return
        size = self.class_sizes.get(found.pk, 0) + 1
        problems = [_through_placement(v, found, size) for v in province.check_class_size(found.grade, size)
                    if v.is_error]
        if problems:
            row.errors += problems
            return
        self.class_sizes[found.pk] = size
        row.class_id = found.pk

    # ------------------------------------------------------------------------------------------ bookkeeping

    def _tally(self, rows: list[Row]) -> None:
        out = self.outcome
        for row in rows:
            out.rows_total += 1
            if row.errors:
                out.bad_rows.append(row.number)
                out.error_count += len(row.errors)
                room = MAX_STORED_ERRORS - len(out.errors)
                out.errors += [error_item(row.number, v) for v in row.errors[:max(room, 0)]]
                continue
            out.rows_ok += 1
            if row.target is not None:
                out.rows_continued += 1
                continue
            out.rows_new += 1
            self._probe(row)

    def _probe(self, row: Row) -> None:
        """Remember what the suspected-duplicate checks need of a new record, and compare it with the file's
        earlier rows (a pair inside one file is as suspect as a pair across the registry)."""
        data = row.data
        probe = Probe(row.number, self._pinyin(data), data["gender"], data["birth_date"],
                      self._twins(row),
                      tuple(m["id_number"] for m in data.get("family") or []
                            if m.get("id_type") == "1" and m.get("id_number")))
        self.probes.append(probe)
        keys = [(("pinyin", probe.pinyin, probe.gender, probe.birth_date), "pinyin")]
        keys += [(("guardian", gid, probe.birth_date), "guardian") for gid in probe.guardian_ids]
        for key, reason in keys:
            earlier = self.in_file_keys.setdefault(key, row.number)
            if earlier != row.number:
                self.in_file_pairs.append((row.number, earlier, reason))
        for twin in probe.swapped_ids:
            # An earlier row of the file whose ID is this one with two characters transposed.
            earlier = self.seen_ids.get((codes.ID_TYPE_RESIDENT, twin))
            if earlier is not None and earlier < row.number:
                self.in_file_pairs.append((row.number, earlier, "transposed_id"))
        self.pending_suspects += [(row.number, pk, reason) for pk, reason in row.suspects]

    def _twins(self, row: Row) -> tuple[str, ...]:
        if row.data.get("id_type") != "1":
            return ()
        return row.twins if row.twins is not None else tuple(swapped_ids(row.data["id_number"], self.today))

    @staticmethod
    def _pinyin(data: dict) -> str:
        # The key compares what the records will hold: the pinyin the school gave, else the computed one.
        given = data.get("name_pinyin")
        return "".join(given.split()).upper() if given else pinyin_key(data["name"])

    def _suspects(self) -> None:
        out = self.outcome
        found = self.pending_suspects + self.suspect_tables.find()
        new_ids = set(out.new_ids)
        # A new record finds itself and its neighbours in the file once written; those pairs come from the file.
        found = [(r, pk, reason) for r, pk, reason in found if pk not in new_ids]
        out.suspected_rows |= {r for r, _pk, _reason in found}
        out.suspected_rows |= {r for r, _earlier, _reason in self.in_file_pairs}
        if not out.written:
            return
        cases = [(self.row_ids[r], pk, reason) for r, pk, reason in found if r in self.row_ids]
        cases += [(self.row_ids[r], self.row_ids[e], reason) for r, e, reason in self.in_file_pairs
                  if r in self.row_ids and e in self.row_ids]
        out.cases = cases

    # ------------------------------------------------------------------------------------------ writing

    def _prepare_write(self, rows: list[Row]) -> Callable[[], None]:
        """Do the chunk's reads now (ids, the records a continuation moves) and return the writes, which the
        pipeline runs while this thread reads the next chunk."""
        good = [r for r in rows if not r.errors]
        new = [r for r in good if r.target is None]
        continued = [r for r in good if r.target is not None]
        writer = self.writer
        ids = writer.reserve_ids(STUDENT_TABLE, len(new))
        for row, pk in zip(new, ids, strict=True):
            row.student_id = pk
            self.row_ids[row.number] = pk
            self.new_grades[pk] = row.data["grade"]
        self.outcome.new_ids += ids
        for row in continued:
            row.student_id = row.target.pk
            self.row_ids[row.number] = row.target.pk
        moves = self._prepare_continuation(continued)
        stage = self.staging
        stage.put(STUDENTS, [self._student_values(r) for r in new])
        if new:
            # A new record's first stay and its 建档 event follow from the record itself: made in SQL.
            stage.derive(STUDENTS, ENROLMENTS, *self._new_enrolments())
            stage.derive(STUDENTS, EVENTS, *self._new_events())
        stage.put(FAMILY, [m for r in new for m in self._members(r.student_id, r.data)])
        stage.put(ENROLMENTS, [self._enrolment_values(r) for r in continued])
        stage.put(EVENTS, [self._event_values(r) for r in continued])
        inserts = stage.moves()

        def write() -> None:
            moves()  # closes the old stays first, so the new stay inserted next stays open
            stage.run(inserts)

        return write

    def _student_values(self, row: Row) -> dict:
        """The new record's columns: the row's own items (its data, completed in place rather than copied: the
        table's row builder takes only the record's columns) and what the registry sets."""
        values = row.data
        values.update(id=row.student_id, student_number=None, status="待注册", school_id=self.school.pk,
                      school_class_id=row.class_id, photo="", photo_retake_needed=False, created_at=self.now,
                      updated_at=self.now, created_by_id=self.actor.pk)
        if not values.get("name_pinyin"):
            values["name_pinyin"] = name_pinyin(values["name"])
        return values

    @staticmethod
    def _members(student_id: int, data: dict) -> Iterator[dict]:
        for position, member in enumerate((data.get("family") or [])[:2], start=1):
            if any(v not in (None, "") for v in member.values()):
                values = {column: member.get(name) for name, column in FAMILY_COLUMNS.items()}
                yield values | {"student_id": student_id, "position": position}

    def _new_enrolments(self) -> tuple[dict, dict]:
        """A new record's first stay, as SQL over its own row (a new record has nothing else to say)."""
        qn = connection.ops.quote_name
        return ({"student_id": qn("id"), "school_id": qn("school_id"), "grade": qn("grade"),
                 "school_class_id": qn("school_class_id")},
                {"started_on": self.today, "ended_on": None, "entry_reason": "新建学籍", "exit_reason": ""})

    def _new_events(self) -> tuple[dict, dict]:
        """A new record's 建档 event: the same for every row of the batch but its student."""
        return ({"student_id": connection.ops.quote_name("id")},
                {"at": self.now, "kind": "建档", "from_status": "", "to_status": "待注册", "school_id": self.school.pk,
                 "actor_id": self.actor.pk, "note": f"批量导入建档{self._batch_label()},待注册"[:500],
                 "changes": {"batch": self.batch_id}})

    def _batch_label(self) -> str:
        return f"(导入批次#{self.batch_id})" if self.batch_id else ""

    def _enrolment_values(self, row: Row) -> dict:
        """A continuing record's new stay at this school."""
        return {"student_id": row.student_id, "school_id": self.school.pk, "grade": row.data["grade"],
                "school_class_id": row.class_id, "started_on": self.today, "ended_on": None,
                "entry_reason": "升学接续", "exit_reason": ""}

    def _event_values(self, row: Row) -> dict:
        """A continuing record's 接续 event."""
        note = (f"升学接续{self._batch_label()}:学籍由原学校转入{self.school.name}"
                f"{GRADE_LABELS.get(row.data['grade'], '')},照片须重新采集(第四条、第十二条)")
        changes = {"batch": self.batch_id, "school": [row.target.school_id, self.school.pk],
                   "grade": [row.target.grade, row.data["grade"]]}
        return {"student_id": row.student_id, "at": self.now, "kind": "接续", "from_status": row.target.status,
                "to_status": self._continued_status(row.target), "school_id": self.school.pk,
                "actor_id": self.actor.pk, "note": note[:500], "changes": changes}

    @staticmethod
    def _continued_status(match: Match) -> str:
        # The lifelong number stays (第十一条); a record that never got one still awaits registration.
        return "在籍" if match.student_number else "待注册"

    def _prepare_continuation(self, rows: list[Row]) -> Callable[[], None]:
        """The new school takes the records over: school, grade and class change, the old stay ends with a copy
        of the record as the old school knew it, the photo is to be retaken, and the uncontrolled items take the
        new school's values where it gave one; family members are only added where the record names none.
        Only records the policy found free to continue get here (_decide). Reads now, writes later (the
        returned function)."""
        if not rows:
            return lambda: None
        qn = connection.ops.quote_name
        value = self.writer.value
        snapshots = self._snapshots([r.student_id for r in rows])
        held = set(FamilyMember.objects.filter(student_id__in=[r.student_id for r in rows]).order_by()
                   .values_list("student_id", "position"))
        enrolments = qn(Enrolment._meta.db_table)
        close_sql = (f"UPDATE {enrolments} SET {qn('ended_on')} = %s, {qn('exit_reason')} = %s, "
                     f"{qn('snapshot')} = %s WHERE {qn('student_id')} = %s AND {qn('ended_on')} IS NULL")
        closes = [(value(self.today), "升学", snapshots[r.student_id], r.student_id) for r in rows]
        kept = ", ".join(f"{qn(n)} = COALESCE(%s, {qn(n)})" for n in _CONTINUED_FIELDS)
        move_sql = (f"UPDATE {qn(STUDENT_TABLE)} SET {qn('school_id')} = %s, {qn('grade')} = %s, "
                    f"{qn('school_class_id')} = %s, {qn('status')} = %s, {qn('photo_retake_needed')} = %s, "
                    f"{qn('updated_at')} = %s, {kept} WHERE {qn('id')} = %s")
        moves = [(self.school.pk, r.data["grade"], r.class_id, self._continued_status(r.target), True,
                  value(self.now), *(value(r.data.get(n)) for n in _CONTINUED_FIELDS), r.student_id) for r in rows]
        family_inserts = self._family_additions(rows, held)

        def write() -> None:
            self.writer.update_many(close_sql, closes)
            self.writer.update_many(move_sql, moves)
            FAMILY.insert(self.writer, family_inserts)

        return write

    @staticmethod
    def _snapshots(ids: list[int]) -> dict[int, str]:
        """The records as they stand before the move, as JSON (what the old school keeps reading)."""
        records = {v["id"]: v for v in Student.objects.filter(pk__in=ids).order_by().values("id", *COLUMN_FIELDS,
                                                                                          "school_id")}
        for member in FamilyMember.objects.filter(student_id__in=ids).order_by("position").values(
                "student_id", "position", *FAMILY_COLUMNS.values()):
            records[member.pop("student_id")].setdefault("family", []).append(member)
        return {pk: json.dumps({k: v for k, v in record.items() if k != "id"}, ensure_ascii=False, default=str)
                for pk, record in records.items()}

    def _family_additions(self, rows: list[Row], held: set) -> list[dict]:
        """The row's family members for the positions the record leaves empty. The guardians a record already
        names are never replaced by an import: who may act for a child is not the new school's to rewrite
        (a change of guardian goes through the school that holds the record, 第十五条)."""
        return [member for row in rows for member in self._members(row.student_id, row.data)
                if (member["student_id"], member["position"]) not in held]


_runtime_lock = threading.Lock()
_runtime_users = 0
_runtime_saved: tuple[bool, float] = (True, 0.005)


@contextmanager
def _import_runtime() -> Iterator[None]:
    """Interpreter settings while imports run, put back when the last one in the process ends (a web process may
    run two at once, each in its own thread):
    - no cyclic garbage collection: nothing here makes reference cycles, and the collector would only rescan the
      growing bookkeeping of a large file;
    - a 0.5 ms GIL turn: the write thread and the part reader spend their time in C without the GIL (sqlite3,
      psycopg, calamine), and each time such a call returns they wait for the importing thread to hand the GIL
      over, which Python does every 5 ms by default (about a second more on 100,000 rows)."""
    global _runtime_users, _runtime_saved
    with _runtime_lock:
        if _runtime_users == 0:
            _runtime_saved = (gc.isenabled(), sys.getswitchinterval())
            gc.disable()
            sys.setswitchinterval(0.0005)
        _runtime_users += 1
    try:
        yield
    finally:
        with _runtime_lock:
            _runtime_users -= 1
            if _runtime_users == 0:
                collecting, interval = _runtime_saved
                sys.setswitchinterval(interval)
                if collecting:
                    gc.enable()


class _WritePipeline:
    """Runs each chunk's writes in one helper thread while the importing thread reads and checks the next
    chunk: the database's own work (SQLite inside the sqlite3 module, which lets go of the GIL; PostgreSQL in
    its server process) overlaps the Python work of checking rows. The helper uses the importing thread's
    connection, hence its transaction, and never at the same time as it: wait() comes before every read."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.pending: Future | None = None

    def __enter__(self) -> _WritePipeline:
        if self.enabled:
            self.conn = connections[DEFAULT_DB_ALIAS]
            self.conn.inc_thread_sharing()
            self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer")
        return self

    def submit(self, job: Callable[[], None]) -> None:
        self.wait()
        self.pending = self.pool.submit(job)

    def wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()  # a failed write is raised here, in the importing thread, and rolls back

    def wait_quietly(self) -> None:
        """Let a write still running finish (its error, if any, is already on its way up)."""
        if self.pending is not None:
            self.pending.exception()

    def __exit__(self, *exc) -> None:
        if not self.enabled:
            return
        try:
            if exc[0] is None:
                self.wait()
            else:
                self.wait_quietly()
        finally:
            self.pool.shutdown(wait=True)
            self.conn.dec_thread_sharing()
