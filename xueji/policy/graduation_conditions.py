"""第三十五条: the five conditions a 普通高中 student must meet to graduate, as pure functions.

A school records, per student and school year, the 基础素养评价 result, the credits earned, the 学业水平考试 sittings
(补考 included), the 体育锻炼 standard and the 劳动和社会实践. `summarize` folds a student's years into what the
article asks (credits summed over the years, the best grade of every subject, the latest result of the rest) and
`unmet_conditions` names every condition not met, each as a Violation of 第三十五条 with its item in the message.
`parse_entry` checks what a school typed (API body, form or spreadsheet row) and reports every bad field at once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from xueji.policy import terms as _terms
from xueji.policy.province import ProvincePolicy, get_policy
from xueji.policy.violations import Violation

A35 = "第三十五条"
ITEMS = {1: "(一)", 2: "(二)", 3: "(三)", 4: "(四)", 5: "(五)"}
# Bounds of what one school year's entry may hold; a sanity check on typing, not a rule of the article.
CREDITS_MAX = 200
ATTEMPTS_MAX = 9
CREDIT_FIELDS = ("credits_compulsory", "credits_elective_1", "credits_elective_2")
CREDIT_LABELS = {
    "credits_compulsory": "必修学分",
    "credits_elective_1": "选修I学分(学科课程标准所设选修模块)",
    "credits_elective_2": "选修II学分(学校自主开设选修模块)",
}
FLAG_FIELDS = {"fitness_met": "体育锻炼达标", "practice_done": "劳动和社会实践"}
_YES = {"是", "达标", "合格", "已参加", "完成", "已完成", "1", "true", "y", "yes"}
_NO = {"否", "未达标", "不达标", "不合格", "未参加", "未完成", "0", "false", "n", "no"}


def cite(item: int) -> str:
    return f"{A35}{ITEMS[item]}"


@dataclass(frozen=True)
class YearRecord:
    """What the school recorded for one school year (None: not recorded)."""

    school_year: int
    quality_result: str | None = None
    credits_compulsory: int | None = None
    credits_elective_1: int | None = None
    credits_elective_2: int | None = None
    fitness_met: bool | None = None
    practice_done: bool | None = None


@dataclass(frozen=True)
class Sitting:
    """One 学业水平考试 sitting: attempt 1 is the regular exam, 2 and later are 补考."""

    subject: str
    grade: str
    attempt: int = 1
    school_year: int = 0


@dataclass(frozen=True)
class Summary:
    quality_result: str | None
    credits_compulsory: int
    credits_elective_1: int
    credits_elective_2: int
    best_grades: Mapping[str, str]
    fitness_met: bool | None
    practice_done: bool | None
    discipline_in_force: tuple[str, ...] = ()

    @property
    def credits_total(self) -> int:
        return self.credits_compulsory + self.credits_elective_1 + self.credits_elective_2


@dataclass
class Entry:
    """A checked entry for one school year; `exams` are the sittings to record."""

    values: dict = field(default_factory=dict)
    exams: list[Sitting] = field(default_factory=list)


def _policy(policy: ProvincePolicy | None) -> ProvincePolicy:
    return policy or get_policy()


def school_year_of(day: datetime.date, terms=()) -> int:
    """The school year a day belongs to (2026 = 2026–27): the one rule of xueji.policy.terms."""
    return _terms.school_year_of(day, terms)


def best_grade(grades: Iterable[str], policy: ProvincePolicy | None = None) -> str | None:
    """The best of a subject's sittings: a 补考 that passes counts even after a failed regular exam."""
    rank = _ranks(_policy(policy).exam_grades)
    known = [g for g in grades if g in rank]
    return min(known, key=rank.__getitem__) if known else None


@cache
def _ranks(order: tuple[str, ...]) -> dict[str, int]:
    return {grade: n for n, grade in enumerate(order)}


def _latest(years: list[YearRecord], name: str):
    for record in years:  # newest first
        value = getattr(record, name)
        if value is not None and value != "":
            return value
    return None


def summarize(years: Iterable[YearRecord], sittings: Iterable[Sitting], discipline_in_force: Iterable[str] = (),
              policy: ProvincePolicy | None = None) -> Summary:
    """A student's record over his years: credits summed (各学年获得的总学分), the best grade of each subject, and
    the latest recorded 基础素养评价, 体育锻炼 and 劳动和社会实践."""
    years = sorted(years, key=lambda r: r.school_year, reverse=True)
    rank = _ranks(_policy(policy).exam_grades)
    best: dict[str, str] = {}
    for sitting in sittings:
        held = best.get(sitting.subject)
        if sitting.grade in rank and (held is None or rank[sitting.grade] < rank[held]):
            best[sitting.subject] = sitting.grade
    return Summary(
        quality_result=_latest(years, "quality_result"),
        credits_compulsory=sum(r.credits_compulsory or 0 for r in years),
        credits_elective_1=sum(r.credits_elective_1 or 0 for r in years),
        credits_elective_2=sum(r.credits_elective_2 or 0 for r in years),
        best_grades=best,
        fitness_met=_latest(years, "fitness_met"),
        practice_done=_latest(years, "practice_done"),
        discipline_in_force=tuple(discipline_in_force),
    )


# ------------------------------------------------------------------------------------------ the five conditions


def check_quality(summary: Summary, policy: ProvincePolicy | None = None) -> list[Violation]:
    """(一) 基础素养评价总评达到合格, 无重大错误 (a measure revoked or expired by graduation does not count)."""
    policy = _policy(policy)
    found = []
    if summary.quality_result is None:
        found.append(Violation("quality_missing", f"基础素养评价总评尚未录入({cite(1)})", A35, "quality_result"))
    elif summary.quality_result not in policy.quality_pass_levels:
        found.append(Violation("quality_not_passed", f"基础素养评价总评未达到合格:{summary.quality_result}({cite(1)})",
                               A35, "quality_result"))
    blocking = [level for level in summary.discipline_in_force if level in policy.graduation_blocking_discipline]
    if blocking:
        found.append(Violation("discipline_in_force", f"处分尚未撤销:{'、'.join(blocking)}(处分撤销后方可毕业,{cite(1)})",
                               A35, "discipline"))
    return found


def check_credits(summary: Summary, policy: ProvincePolicy | None = None) -> list[Violation]:
    """(二) at least 144 credits in all, of which 116 compulsory, 22 elective I and 6 elective II (Shanxi)."""
    need = _policy(policy).graduation_credits
    rows = [
        ("credits_total", "总学分", summary.credits_total, need.total),
        ("credits_compulsory", "必修学分", summary.credits_compulsory, need.compulsory),
        ("credits_elective_1", "选修I学分", summary.credits_elective_1, need.elective_1),
        ("credits_elective_2", "选修II学分", summary.credits_elective_2, need.elective_2),
    ]
    return [Violation(f"{name}_short", f"{label}不足:{have}/{want}({cite(2)})", A35, name)
            for name, label, have, want in rows if have < want]


def check_exams(summary: Summary, policy: ProvincePolicy | None = None) -> list[Violation]:
    """(三) every required subject at A, B or C; a 补考 counts, the best sitting is the result."""
    policy = _policy(policy)
    passing = "、".join(g for g in policy.exam_grades if g in policy.exam_pass_grades)
    found = []
    for subject in policy.exam_subjects:
        grade = summary.best_grades.get(subject)
        if grade is None:
            found.append(Violation("exam_missing", f"学业水平考试“{subject}”尚无成绩({cite(3)})", A35, f"exams.{subject}"))
        elif grade not in policy.exam_pass_grades:
            found.append(Violation("exam_not_passed",
                                   f"学业水平考试“{subject}”最好成绩为{grade}等,须达到{passing}等(含补考)({cite(3)})",
                                   A35, f"exams.{subject}"))
    return found


def check_fitness(summary: Summary, policy: ProvincePolicy | None = None) -> list[Violation]:
    """(四) 达到体育锻炼合格标准."""
    if summary.fitness_met is None:
        return [Violation("fitness_missing", f"体育锻炼合格标准尚未录入({cite(4)})", A35, "fitness_met")]
    if not summary.fitness_met:
        return [Violation("fitness_not_met", f"未达到体育锻炼合格标准({cite(4)})", A35, "fitness_met")]
    return []


def check_practice(summary: Summary, policy: ProvincePolicy | None = None) -> list[Violation]:
    """(五) 按规定参加了劳动和社会实践活动."""
    if summary.practice_done is None:
        return [Violation("practice_missing", f"劳动和社会实践尚未录入({cite(5)})", A35, "practice_done")]
    if not summary.practice_done:
        return [Violation("practice_not_done", f"未按规定参加劳动和社会实践活动({cite(5)})", A35, "practice_done")]
    return []


def unmet_conditions(summary: Summary, policy: ProvincePolicy | None = None) -> list[Violation]:
    """Every condition of 第三十五条 the student does not meet; empty when he may graduate."""
    return [v for check in (check_quality, check_credits, check_exams, check_fitness, check_practice)
            for v in check(summary, policy)]


# ------------------------------------------------------------------------------------------ what a school typed


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_credit(value) -> int | None:
    """Credits as a whole number 0–200 (a spreadsheet gives 116.0); raises ValueError for anything else."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(".0"):
            text = text[:-2]
        if not (text.isascii() and text.isdigit()) or len(text) > 4:
            raise ValueError
        value = int(text)
    if not isinstance(value, int) or not 0 <= value <= CREDITS_MAX:
        raise ValueError
    return value


def parse_flag(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError


def _bad(code: str, name: str, message: str) -> Violation:
    return Violation(code, message, None, name)


def _parse_values(raw: Mapping, policy: ProvincePolicy) -> tuple[dict, list[Violation]]:
    values: dict = {}
    found: list[Violation] = []
    quality = raw.get("quality_result")
    if _blank(quality):
        values["quality_result"] = None
    elif str(quality).strip() in policy.quality_levels:
        values["quality_result"] = str(quality).strip()
    else:
        found.append(_bad("quality_result_invalid", "quality_result",
                          f"基础素养评价总评只能填{'、'.join(policy.quality_levels)}之一,或留空"))
    for name in CREDIT_FIELDS:
        value = raw.get(name)
        try:
            values[name] = None if _blank(value) else parse_credit(value)
        except ValueError:
            found.append(_bad("credits_invalid", name, f"{CREDIT_LABELS[name]}须为0至{CREDITS_MAX}之间的整数,或留空"))
    for name, label in FLAG_FIELDS.items():
        value = raw.get(name)
        try:
            values[name] = None if _blank(value) else parse_flag(value)
        except ValueError:
            found.append(_bad("flag_invalid", name, f"{label}须填“是”或“否”(或留空表示尚未录入)"))
    return values, found


def parse_grade(value, policy: ProvincePolicy | None = None) -> str:
    grade = str(value if value is not None else "").strip().upper()
    if grade not in _policy(policy).exam_grades:
        raise ValueError
    return grade


def _attempt(value) -> int | None:
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) < 3:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= ATTEMPTS_MAX:
        return None
    return value


def parse_sittings(items: Iterable, school_year: int,
                   policy: ProvincePolicy | None = None) -> tuple[list[Sitting], list[Violation]]:
    """Sittings given as {subject, grade, attempt}; every bad one is named by its position and subject."""
    policy = _policy(policy)
    sittings: list[Sitting] = []
    found: list[Violation] = []
    seen: set[tuple[str, int]] = set()
    grades = "、".join(policy.exam_grades)
    for n, item in enumerate(items, 1):
        if not isinstance(item, Mapping):
            found.append(_bad("exam_invalid", f"exams[{n}]", f"第{n}项考试成绩格式有误,须含科目、等级和第几次考试"))
            continue
        subject = str(item.get("subject") or "").strip()
        where = f"exams[{n}]"
        ok = True
        if subject not in policy.exam_subjects:
            found.append(_bad("exam_subject_unknown", f"{where}.subject",
                              f"第{n}项:“{subject[:20]}”不是学业水平考试科目,科目为{'、'.join(policy.exam_subjects)}"))
            ok = False
        try:
            grade = parse_grade(item.get("grade"), policy)
        except ValueError:
            found.append(_bad("exam_grade_invalid", f"{where}.grade", f"第{n}项“{subject[:20]}”的等级须为{grades}之一"))
            ok = False
        attempt = _attempt(item.get("attempt", 1))
        if attempt is None:
            found.append(_bad("exam_attempt_invalid", f"{where}.attempt",
                              f"第{n}项“{subject[:20]}”的考试次数须为1(正考)至{ATTEMPTS_MAX}(补考)之间的整数"))
            ok = False
        if ok:
            if (subject, attempt) in seen:
                found.append(_bad("exam_repeated", where, f"第{n}项:“{subject}”第{attempt}次考试重复填写"))
                continue
            seen.add((subject, attempt))
            sittings.append(Sitting(subject, grade, attempt, school_year))
    return sittings, found


def parse_entry(raw: Mapping, school_year: int, policy: ProvincePolicy | None = None) -> tuple[Entry, list[Violation]]:
    """One school year's entry checked field by field; the violations name every bad field at once."""
    policy = _policy(policy)
    values, found = _parse_values(raw, policy)
    exams = raw.get("exams") or []
    if not isinstance(exams, list | tuple):
        found.append(_bad("exam_invalid", "exams", "考试成绩须为列表"))
        exams = []
    sittings, bad = parse_sittings(exams, school_year, policy)
    return Entry(values, sittings), found + bad


def senior_only(grade: int, grade_label: str, policy: ProvincePolicy | None = None) -> list[Violation]:
    """These conditions are the high school's: a primary or junior-high record has none (第三十五条)."""
    if _policy(policy).stage_of_grade(grade) == "senior":
        return []
    return [Violation("conditions_senior_only",
                      f"毕业条件(学分、学业水平考试等)只适用于普通高中学生,该学生为{grade_label}({A35})", A35, "student")]
