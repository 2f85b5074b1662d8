"""Each register as one document: its title, annex, school, period and tables (headers, rows, text columns).

The page, the .xlsx, the PDF and the JSON API all draw the same document, so the four never disagree."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from xueji.core.errors import RuleViolation
from xueji.policy.graduation_conditions import school_year_of
from xueji.policy.violations import Violation

from . import admissions, movements, school_info, selectors, services


@dataclass(frozen=True)
class Register:
    slug: str
    title: str
    annex: str
    personal: bool  # carries whole ID or G numbers when revealed (第四十四条)


REGISTERS = {
    "school": Register("school", "学校基本信息表", "附件1", False),
    "campuses": Register("campuses", "校区基本信息表", "附件2", False),
    "movements": Register("movements", "学生增减情况登记表", "附件4", True),
    "admissions": Register("admissions", "新生入学名册", "第六条(九)", True),
}


@dataclass
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: list[list]
    text_columns: tuple[int, ...] = ()
    key: str = ""  # how ?table= names it for a download: summary (the first table), grades, or the list (last)

    @property
    def pairs(self) -> list[tuple[str, object]]:
        """A one-row table as (item, value) pairs: 附件1 reads down the page, as a form, not across."""
        return list(zip(self.headers, self.rows[0], strict=True)) if len(self.rows) == 1 else []

    @property
    def pair_lines(self) -> list[list[tuple[str, object]]]:
        pairs = self.pairs
        return [pairs[i:i + 2] for i in range(0, len(pairs), 2)]


@dataclass
class Document:
    register: Register
    school: object
    period: str
    tables: list[Table]
    full: bool = False
    params: dict = field(default_factory=dict)
    printed_on: datetime.date = field(default_factory=timezone.localdate)

    @property
    def title(self) -> str:
        return self.register.title

    def as_json(self) -> dict:
        return {
            "register": self.register.slug, "title": self.title, "annex": self.register.annex,
            "school": self.school.pk, "school_name": self.school.name, "period": self.period, "full_id": self.full,
            **{k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in self.params.items()},
            "tables": [{"caption": t.caption, "headers": list(t.headers),
                        "rows": [dict(zip(t.headers, row, strict=True)) for row in t.rows]} for t in self.tables],
        }


# ---------------------------------------------------------------- periods


def _bad(field_name: str, message: str) -> RuleViolation:
    return RuleViolation(Violation(f"bad_{field_name}", message, "第七条", field_name))


def term_span(term: str) -> tuple[datetime.date, datetime.date, str]:
    """'2026-1' = the autumn term of school year 2026 (2026-08-01 to 2027-01-31); '2026-2' the spring term after
    it (2027-02-01 to 2027-07-31). Terms are what 第七条's end-of-term review covers."""
    try:
        year_text, half = term.split("-")
        year = int(year_text)
        if half not in ("1", "2") or not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        raise _bad("term", f"学期“{term}”格式不对:须写成“学年-1”(第一学期)或“学年-2”(第二学期),如 2026-1(第七条)") from None
    if half == "1":
        return datetime.date(year, 8, 1), datetime.date(year + 1, 1, 31), f"{year}—{year + 1}学年第一学期"
    return datetime.date(year + 1, 2, 1), datetime.date(year + 1, 7, 31), f"{year}—{year + 1}学年第二学期"


def current_term(today: datetime.date) -> str:
    year = school_year_of(today)
    return f"{year}-1" if today.month >= 8 or today.month == 1 else f"{year}-2"


def _date(value: str, field_name: str, label: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise _bad(field_name, f"{label}“{value}”不是有效日期,请写成 YYYY-MM-DD,如 2026-09-01(第七条)") from None


def period_of(params: dict) -> tuple[datetime.date, datetime.date, str, str]:
    """(start, end, the period's words, the term asked or '') from ?term= or ?start=&end= (a date range)."""
    start_text, end_text = (params.get("start") or "").strip(), (params.get("end") or "").strip()
    if start_text or end_text:
        if not (start_text and end_text):
            raise _bad("start" if not start_text else "end", "按日期范围查询须同时填写起始日期 start 和截止日期 end(第七条)")
        start, end = _date(start_text, "start", "起始日期"), _date(end_text, "end", "截止日期")
        if end < start:
            raise _bad("end", "截止日期不能早于起始日期(第七条)")
        if (end - start).days > 366 * 3:
            raise _bad("end", "日期范围不能超过三年,请分段查询(第七条)")
        return start, end, f"{start:%Y年%m月%d日}至{end:%Y年%m月%d日}", ""
    term = (params.get("term") or "").strip() or current_term(timezone.localdate())
    start, end, words = term_span(term)
    return start, end, words, term


def year_of(params: dict) -> int:
    raw = str(params.get("year") or "").strip()
    if not raw:
        return school_year_of(timezone.localdate())
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise RuleViolation(Violation("bad_year", f"学年“{raw}”须为四位年份,如 2026(即2026—2027学年)(第六条)",
                                      "第六条", "year"))
    return int(raw)


# ---------------------------------------------------------------- the registers


def _school_doc(school, _params, _full) -> tuple[str, list[Table], list, dict]:
    row = school_info.school_row(school, selectors.counts(school))
    return "", [Table("学校基本信息", school_info.SCHOOL_HEADERS, [row], school_info.SCHOOL_TEXT_COLUMNS)], [], {}


def _campus_doc(school, _params, _full):
    rows = school_info.campus_rows(school, selectors.counts(school))
    return "", [Table("校区基本信息", school_info.CAMPUS_HEADERS, rows, school_info.CAMPUS_TEXT_COLUMNS)], [], {}


def _movements_doc(school, params, full):
    start, end, words, term = period_of(params)
    book = movements.ledger(school, start, end)
    tables = [
        Table("增减情况汇总(在籍学生)", movements.SUMMARY_HEADERS, [book.summary_row()]),
        Table("各年级增减情况", movements.GRADE_HEADERS, book.grade_rows(), key="grades"),
        Table("增减学生明细", movements.DETAIL_HEADERS, movements.detail_rows(book, full=full),
              movements.DETAIL_TEXT_COLUMNS),
    ]
    return words, tables, movements.students_of(book), {"start": start, "end": end, "term": term}


def _admissions_doc(school, params, full):
    year = year_of(params)
    rows, students = admissions.rows(school, year, full=full)
    tables = [Table("各班新生人数", admissions.CLASS_HEADERS, admissions.by_class(rows)),
              Table("新生入学名册", admissions.HEADERS, rows, admissions.TEXT_COLUMNS)]
    return f"{year}—{year + 1}学年", tables, students, {"year": year}


BUILDERS = {"school": _school_doc, "campuses": _campus_doc, "movements": _movements_doc, "admissions": _admissions_doc}


def register_of(slug: str) -> Register:
    if slug not in REGISTERS:
        raise RuleViolation(Violation("unknown_register", f"没有“{slug}”这份学籍档案表,可选:{'、'.join(REGISTERS)}",
                                      "第六条", "register"))
    return REGISTERS[slug]


def build(user, school_code: str, slug: str, params: dict, *, reason: str = "", fmt: str = "page") -> Document:
    """The register `slug` of a school the user oversees. With a reason, a personal register carries whole ID and
    G numbers, once the 第四十四条 gate allowed it (call outside a transaction, as the gate asks)."""
    register = register_of(slug)
    school = selectors.school_for(user, school_code)
    reason = services.check_reason(reason) if register.personal else ""
    words, tables, students, extra = BUILDERS[slug](school, params, False)
    full = bool(reason)
    if full:
        services.reveal(user, school, what=f"{register.title}({register.annex})· {school.name}", students=students,
                        fmt=fmt, reason=reason)
        words, tables, students, extra = BUILDERS[slug](school, params, True)
    if register.personal:
        services.note_read(user, school, slug, fmt=fmt, reason=reason, rows=len(students), full=full)
    return Document(register, school, words, tables, full, extra)
