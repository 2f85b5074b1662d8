"""学生增减情况登记表 (附件4, 第六条(五)、第七条): a school's students in and out over a term or a date range.

Who counts: the school's students 在籍 (on its roll and attending). Every change that puts a student on that roll
is an increase (registration of a newcomer, continuation from the stage below, a transfer in, a resumption, a
return after dropping out); every change that takes one off is a decrease (a transfer out, a suspension, a
withdrawal, a death, dropping out, graduation …). The changes are read from the record's status history
(StatusEvent), which every change appends to; an event that moves a record between schools names both schools
in its `changes["school"]`.

The counts are anchored on the present: the end count is today's direct count of 在籍 students less the net of
the changes after the range, and the start count is the end count less the net of the changes within it. So
期初 + 增加 − 减少 = 期末 holds by construction, and a range ending today ends on exactly what a count of the
records says, even for a registry whose oldest records predate their history.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from xueji.core.masking import mask_ids_in_text, mask_student_number
from xueji.policy import codes
from xueji.policy.fields import GRADE_LABELS
from xueji.students.models import Enrolment, StatusEvent, Student

ON_ROLL = ("在籍",)
CHUNK = 2000
# What the ledger reads of an event and its student: the record's 72 items stay in the database.
EVENT_FIELDS = ("id", "student_id", "at", "kind", "from_status", "to_status", "school_id", "note", "changes",
                "student__name", "student__gender", "student__student_number", "student__grade")
IN, OUT = "增加", "减少"

# The categories in the form's order: increases, then decreases.
INCREASES = ("新生入学", "转入", "复学", "返校复课", "其他增加")
DECREASES = ("转出", "休学", "退学", "死亡", "辍学", "开除", "毕业(结业、肄业)", "失踪或其他离校", "注销", "其他减少")
SUMMARY_HEADERS = ("期初人数", *INCREASES, "增加合计", *DECREASES, "减少合计", "期末人数")
DETAIL_HEADERS = ("序号", "日期", "增减", "变动类别", "姓名", "性别", "学籍号", "年级", "原学籍状态", "新学籍状态",
                  "来源或去向", "事项", "说明")
DETAIL_TEXT_COLUMNS = (6,)  # 学籍号

# A decrease named by the status the record leaves for.
_OUT_BY_STATUS = {
    "休学": "休学", "转出": "转出", "退学": "退学", "死亡": "死亡", "辍学": "辍学", "开除": "开除",
    "毕业": "毕业(结业、肄业)", "结业": "毕业(结业、肄业)", "肄业": "毕业(结业、肄业)", "失踪": "失踪或其他离校",
    "注销": "注销",
}
# An increase named by the status the record comes from.
_IN_BY_STATUS = {"待注册": "新生入学", "休学": "复学", "辍学": "返校复课", "失踪": "返校复课"}
# Events that bring a record in from another school, though they keep one school on the event: the cross-province
# arrival (a new record awaiting approval at the receiving school) and the stage-to-stage continuation.
_TRANSFER_IN_KINDS = ("跨省转入",)
_CONTINUATION_KINDS = ("接续",)


@dataclass(frozen=True)
class Move:
    """One event seen from one school: which way it moves the roll, and under which heading."""

    direction: str
    category: str
    other_school: str  # where the student came from or went to, when the event names it


def _schools(event: StatusEvent) -> tuple[str, str]:
    """(the school before, the school after) the event."""
    pair = (event.changes or {}).get("school") if isinstance(event.changes, dict) else None
    if isinstance(pair, list) and len(pair) == 2:
        return str(pair[0] or ""), str(pair[1] or "")
    return event.school_id, event.school_id


def _other_name(event: StatusEvent, direction: str) -> str:
    names = (event.changes or {}).get("school_name") if isinstance(event.changes, dict) else None
    if isinstance(names, list) and len(names) == 2:
        return str((names[0] if direction == IN else names[1]) or "")
    return ""


def classify(event: StatusEvent, school_code: str) -> Move | None:
    """How `event` moves the roll of `school_code`; None when it does not (a change within the roll, or elsewhere)."""
    before_school, after_school = _schools(event)
    was_on = before_school == school_code and event.from_status in ON_ROLL
    is_on = after_school == school_code and event.to_status in ON_ROLL
    if was_on == is_on:
        return None
    moved = before_school != after_school
    if is_on:
        if event.kind in _CONTINUATION_KINDS:
            category = "新生入学"
        elif moved or event.kind in _TRANSFER_IN_KINDS:
            category = "转入"
        else:
            category = _IN_BY_STATUS.get(event.from_status, "其他增加")
        return Move(IN, category, _other_name(event, IN) if (moved or category == "转入") else "")
    category = "转出" if moved else _OUT_BY_STATUS.get(event.to_status, "其他减少")
    return Move(OUT, category, _other_name(event, OUT) if category == "转出" else "")


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _candidates(school, since: datetime.date) -> list[int]:
    """Ids of every student who may have been on the school's roll since `since`: its students now, and those whose
    stay there was open on or after that day (a stay is written for every arrival, closed at every departure).
    Two index reads of one school's size ((school, status, grade) and (school, ended_on)), joined here."""
    stays = Enrolment.objects.filter(school=school).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=since))
    # order_by(): the models' default orderings would join the school and the student tables for nothing.
    ids = set(Student.objects.filter(school=school).order_by().values_list("pk", flat=True))
    ids.update(stays.order_by().values_list("student_id", flat=True))
    return sorted(ids)


def _events_since(school, start: datetime.date):
    """The events of those students from `start` on, read by student (the events' own index), a chunk at a time."""
    ids = _candidates(school, start)
    for first in range(0, len(ids), CHUNK):
        yield from (StatusEvent.objects.filter(student_id__in=ids[first:first + CHUNK], at__gte=day_start(start))
                    .select_related("student").only(*EVENT_FIELDS).order_by())


def on_roll_now(school) -> dict[int, int]:
    """Today's 在籍 students of the school by grade: the direct count the ledger is anchored on."""
    rows = (Student.objects.filter(school=school, status__in=ON_ROLL).order_by().values("grade")
            .annotate(n=Count("pk")))
    return {row["grade"]: row["n"] for row in rows}


def _grades(events: list[StatusEvent]) -> dict[int, tuple[int, int]]:
    """(grade before, grade after) of each event of one student: walked back from his grade today, an event that
    changed the grade (升级, 接续, a correction) naming both in its changes["grade"]."""
    grade = events[0].student.grade if events else 0
    found = {}
    for event in sorted(events, key=lambda e: (e.at, e.pk), reverse=True):
        pair = (event.changes or {}).get("grade") if isinstance(event.changes, dict) else None
        before = grade
        if isinstance(pair, list) and len(pair) == 2 and str(pair[0]).isdigit():
            before = int(pair[0])
        found[event.pk] = (before, grade)
        grade = before
    return found


@dataclass
class Ledger:
    start: datetime.date
    end: datetime.date
    start_count: int
    end_count: int
    counts: Counter
    rows: list  # (event, move, grade) of the range, in time order
    grades: dict = field(default_factory=dict)  # grade -> Counter(start, 增加, 升入, 减少, 升出, end)

    @property
    def increase(self) -> int:
        return sum(self.counts[c] for c in INCREASES)

    @property
    def decrease(self) -> int:
        return sum(self.counts[c] for c in DECREASES)

    def summary_row(self) -> list[int]:
        return [self.start_count, *(self.counts[c] for c in INCREASES), self.increase,
                *(self.counts[c] for c in DECREASES), self.decrease, self.end_count]

    def grade_rows(self) -> list[list]:
        out = [[GRADE_LABELS.get(g, str(g)), *(self.grades[g][k] for k in GRADE_KEYS)] for g in sorted(self.grades)]
        totals = [sum(self.grades[g][k] for g in self.grades) for k in GRADE_KEYS]
        return [*out, ["合计", *totals]]


GRADE_KEYS = ("期初人数", "增加", "升入本年级", "减少", "升出本年级", "期末人数")
GRADE_HEADERS = ("年级", *GRADE_KEYS)


def _steps(event, move, grades, school_code) -> list[tuple[int, str]]:
    """The per-grade entries of one event: (grade, key) with key 增加, 减少, 升入本年级 or 升出本年级."""
    before, after = grades
    if move is not None:
        return [(after, "增加")] if move.direction == IN else [(before, "减少")]
    before_school, after_school = _schools(event)
    stays_on = (before_school == after_school == school_code and event.from_status in ON_ROLL
                and event.to_status in ON_ROLL)
    if stays_on and before != after:
        return [(before, "升出本年级"), (after, "升入本年级")]
    return []


def ledger(school, start: datetime.date, end: datetime.date) -> Ledger:
    """The school's changes from the first moment of `start` to the last of `end`, with the counts at both ends,
    for the school and for each grade (a promotion moves a student between grades, not off the roll)."""
    until = day_start(end + datetime.timedelta(days=1))
    by_student: dict[int, list[StatusEvent]] = {}
    for event in _events_since(school, start):
        by_student.setdefault(event.student_id, []).append(event)
    now = on_roll_now(school)
    grades: dict[int, Counter] = {g: Counter() for g in now}
    counts, rows = Counter(), []
    for events in by_student.values():
        grade_of = _grades(events)
        for event in events:
            move = classify(event, school.pk)
            steps = _steps(event, move, grade_of[event.pk], school.pk)
            if not steps:
                continue
            after_range = event.at >= until
            for grade, key in steps:
                grades.setdefault(grade, Counter())[("后" if after_range else "") + key] += 1
            if move is None or after_range:
                continue
            counts[move.category] += 1
            rows.append((event, move, steps[0][0]))
    rows.sort(key=lambda row: (row[0].at, row[0].pk))
    for grade, tally in grades.items():
        net_after = tally["后增加"] + tally["后升入本年级"] - tally["后减少"] - tally["后升出本年级"]
        tally["期末人数"] = now.get(grade, 0) - net_after
        tally["期初人数"] = (tally["期末人数"] - tally["增加"] - tally["升入本年级"] + tally["减少"]
                         + tally["升出本年级"])
    end_count = sum(t["期末人数"] for t in grades.values())
    net = sum(1 if m.direction == IN else -1 for _e, m, _g in rows)
    kept = {g: t for g, t in grades.items() if any(t[k] for k in GRADE_KEYS)}
    return Ledger(start, end, end_count - net, end_count, counts, rows, kept)


def detail_rows(book: Ledger, *, full: bool) -> list[list]:
    out = []
    for i, (event, move, grade) in enumerate(book.rows, start=1):
        s = event.student
        number = s.student_number or ""
        out.append([
            i, timezone.localtime(event.at).date().isoformat(), move.direction, move.category, s.name,
            codes.label(codes.GENDER, s.gender, s.gender), number if full else (mask_student_number(number) or ""),
            GRADE_LABELS.get(grade, str(grade)), event.from_status or "—", event.to_status or "—",
            move.other_school, event.kind, event.note if full else mask_ids_in_text(event.note),
        ])
    return out


def students_of(book: Ledger) -> list[Student]:
    seen = {}
    for event, _move, _grade in book.rows:
        seen.setdefault(event.student_id, event.student)
    return list(seen.values())
