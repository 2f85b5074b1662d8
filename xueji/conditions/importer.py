"""The graduation-conditions spreadsheet: one row per student (学籍号 + 姓名), the year's results in columns, a
column per 学业水平考试 subject whose cell holds the sittings in order ("D/B": 正考 D, 补考 B).

The file passes the intake's limits (xueji/intake/limits.py: zip bombs, huge sheets, over-long cells) before
python-calamine opens it; then every bad cell of every row is reported at once, and nothing is written unless all
are right (services.import_conditions).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from functools import cache

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from python_calamine import CalamineError, CalamineWorkbook

from xueji.core.errors import RuleViolation
from xueji.intake import limits as bounds
from xueji.intake.limits import SheetError
from xueji.intake.sheets import detect_format
from xueji.policy import graduation_conditions as rules
from xueji.policy.province import get_policy
from xueji.policy.violations import Violation
from xueji.students.models import Student

FILENAME = "普通高中毕业条件导入模板.xlsx"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER, NAME = "学籍号", "姓名"
VALUE_COLUMNS = {
    "基础素养评价总评": "quality_result",
    "必修学分": "credits_compulsory",
    "选修I学分": "credits_elective_1",
    "选修II学分": "credits_elective_2",
    "体育锻炼达标": "fitness_met",
    "劳动和社会实践": "practice_done",
}
HEADER_SEARCH_ROWS = 5
MAX_BYTES = 20 << 20  # a school's sheet is a few hundred KB
_SEPARATORS = re.compile(r"[/、,,;;\s]+")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    code: str
    message: str
    article: str | None = None

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "code": self.code, "article": self.article,
                "message": self.message}


class RowErrors(RuleViolation):
    """Every bad cell of a sheet; the message of each names its row and column."""

    summary = "导入文件有误,未写入任何数据"

    def __init__(self, errors: list[RowError]):
        self.rows = errors
        super().__init__([Violation(e.code, _where(e) + e.message, e.article, e.column or "file") for e in errors])


def _where(error: RowError) -> str:
    if not error.row:
        return ""
    return f"第{error.row}行“{error.column}”:" if error.column else f"第{error.row}行:"


def subjects() -> tuple[str, ...]:
    return get_policy().exam_subjects


def columns() -> list[str]:
    return [NUMBER, NAME, *VALUE_COLUMNS, *subjects()]


# ------------------------------------------------------------------------------------------ the template


def _notes() -> dict[str, str]:
    policy = get_policy()
    need = policy.graduation_credits
    grades = "、".join(policy.exam_grades)
    notes = {
        NUMBER: "必填。本校学生的学籍号(请保持文本格式)",
        NAME: "必填。须与学籍号对应的学生姓名一致",
        "基础素养评价总评": f"填{'、'.join(policy.quality_levels)}之一;留空表示不修改",
        "必修学分": f"本学年获得的必修学分,0至{rules.CREDITS_MAX}的整数;毕业须累计至少{need.compulsory}个",
        "选修I学分": f"学科课程标准所设选修模块的学分;毕业须累计至少{need.elective_1}个",
        "选修II学分": f"学校自主开设选修模块的学分;毕业须累计至少{need.elective_2}个",
        "体育锻炼达标": "填“是”或“否”",
        "劳动和社会实践": "是否按规定参加了劳动和社会实践活动,填“是”或“否”",
    }
    for subject in policy.exam_subjects:
        notes[subject] = f"学业水平考试等级({grades});有补考的按考试先后用“/”隔开,如D/B(正考D,补考B)"
    return notes


def build_template() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "毕业条件"
    notes = _notes()
    for number, label in enumerate(columns(), 1):
        cell = sheet.cell(row=1, column=number, value=label)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.comment = Comment(notes[label], "学籍系统")
        letter = get_column_letter(number)
        sheet.column_dimensions[letter].width = 22 if number == 1 else 12
        for row in range(2, 302):  # text cells, so a 学籍号 keeps its digits
            sheet.cell(row=row, column=number).number_format = "@"
    guide = workbook.create_sheet("填写说明")
    guide.append(["列名", "填写说明"])
    for label in columns():
        guide.append([label, notes[label]])
    guide.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@cache
def template_bytes() -> bytes:
    return build_template()


# ------------------------------------------------------------------------------------------ reading


def _text(cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return "" if cell is None else str(cell).strip()


def read_sheet(path: str, filename: str) -> tuple[list[str], list[tuple[int, list]]]:
    """(header, data rows with their spreadsheet row numbers), the file refused by the intake limits first."""
    limits = bounds.current()
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
        kind = detect_format(filename, head)
        if kind == "csv":
            raise SheetError([Violation("file_type", "请上传.xlsx或.xls文件(可先下载导入模板)", field="file")])
        if zipfile.is_zipfile(path):
            bounds.check_contents(path, limits)
        else:
            bounds.check_xls(path, limits)
        workbook = CalamineWorkbook.from_path(path)
        grid = workbook.get_sheet_by_name(_sheet_name(workbook)).iter_rows()
        return _split(grid, limits)
    except SheetError as exc:
        raise RowErrors([RowError(0, "", v.code, v.message) for v in exc.violations]) from exc
    except (CalamineError, OSError, ValueError) as exc:
        raise RowErrors([RowError(0, "", "file_unreadable", "无法读取该文件,文件可能已损坏或被加密,"
                                                            "请用表格软件打开后另存为.xlsx再上传")]) from exc


def _sheet_name(workbook) -> str:
    names = [n for n in workbook.sheet_names if "说明" not in n]
    return (names or workbook.sheet_names)[0]


def _split(grid, limits: bounds.Limits) -> tuple[list[str], list[tuple[int, list]]]:
    header, number = None, 0
    rows: list[tuple[int, list]] = []
    for number, cells in enumerate(grid, 1):
        if header is None:
            texts = ["".join(_text(c).split()) for c in cells]
            if NUMBER in texts:
                header = texts
            elif number >= HEADER_SEARCH_ROWS:
                break
            continue
        if not any(_text(c) for c in cells):
            continue
        if len(rows) >= limits.rows:
            raise bounds.too_many_rows(limits, number)
        for cell in cells:
            if isinstance(cell, str) and len(cell) > limits.cell_chars:
                raise bounds.cell_too_long(limits, f"第{number}行")
        rows.append((number, list(cells) + [None] * (len(header) - len(cells))))
    if header is None:
        raise SheetError([Violation("header_not_found", f"文件前{HEADER_SEARCH_ROWS}行中没有含“学籍号”的表头行,"
                                                        "请使用毕业条件导入模板", field="header")])
    return header, rows


def check_header(header: list[str]) -> list[RowError]:
    known = set(columns())
    found = []
    unknown = [h for h in header if h and h not in known]
    if unknown:
        found.append(RowError(1, "表头", "unknown_columns", f"无法识别的列:{'、'.join(unknown)};请下载模板核对列名"))
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        found.append(RowError(1, "表头", "repeated_columns", f"这些列出现了不止一次:{'、'.join(repeated)}"))
    missing = [c for c in (NUMBER, NAME) if c not in header]
    if missing:
        found.append(RowError(1, "表头", "missing_columns", f"缺少必填列:{'、'.join(missing)}"))
    return found


def given_fields(header: list[str]) -> tuple[str, ...]:
    """The value fields the file carries: a column left out keeps what was recorded before."""
    return tuple(field for label, field in VALUE_COLUMNS.items() if label in header)


def as_records(header: list[str], rows: list[tuple[int, list]]) -> list[tuple[int, dict]]:
    return [(number, {label: cells[i] for i, label in enumerate(header) if label}) for number, cells in rows]


# ------------------------------------------------------------------------------------------ checking


def _sittings(row: int, cells: dict, school_year: int) -> tuple[list[rules.Sitting], list[RowError]]:
    policy = get_policy()
    sittings, found = [], []
    for subject in policy.exam_subjects:
        text = _text(cells.get(subject)).upper()
        if not text:
            continue
        grades = [g for g in _SEPARATORS.split(text) if g]
        bad = [g for g in grades if g not in policy.exam_grades]
        if bad or len(grades) > rules.ATTEMPTS_MAX:
            found.append(RowError(row, subject, "exam_grade_invalid",
                                  f"“{text[:20]}”不是有效的成绩:等级须为{'、'.join(policy.exam_grades)}之一,"
                                  f"有补考的按先后用“/”隔开,如D/B"))
            continue
        sittings += [rules.Sitting(subject, grade, n, school_year) for n, grade in enumerate(grades, 1)]
    return sittings, found


def _entry(row: int, cells: dict, school_year: int) -> tuple[rules.Entry, list[RowError]]:
    columns_of = {field: label for label, field in VALUE_COLUMNS.items()}
    raw = {field: cells.get(label) for label, field in VALUE_COLUMNS.items()}
    entry, problems = rules.parse_entry(raw, school_year)
    found = [RowError(row, columns_of.get(v.field, v.field or ""), v.code, v.message, v.article) for v in problems]
    entry.exams, bad = _sittings(row, cells, school_year)
    return entry, found + bad


def check_rows(school, school_year: int, rows: list[tuple[int, dict]]) -> tuple[dict, list[RowError]]:
    """{student id: Entry} and every problem of every row. One query finds the students of the whole file."""
    from .services import refusals_for

    numbers = {_text(cells.get(NUMBER)).upper() for _, cells in rows}
    students = {s.student_number: s for s in Student.objects.filter(school=school, student_number__in=numbers - {""})}
    entries: dict = {}
    found: list[RowError] = []
    seen: dict[str, int] = {}
    for row, cells in rows:
        number, name = _text(cells.get(NUMBER)).upper(), _text(cells.get(NAME))
        student = students.get(number)
        if not number:
            found.append(RowError(row, NUMBER, "required", "请填写学籍号"))
        elif number in seen:
            found.append(RowError(row, NUMBER, "repeated_student", f"与第{seen[number]}行是同一名学生,每名学生只填一行"))
        elif student is None:
            found.append(RowError(row, NUMBER, "student_unknown", f"本校没有学籍号为“{number[:20]}”的学生"))
        elif student.name != name:
            found.append(RowError(row, NAME, "name_mismatch", f"姓名“{name[:20]}”与学籍号对应的学生不一致"))
        else:
            found += [RowError(row, NUMBER, v.code, v.message, v.article) for v in refusals_for(student)]
        seen.setdefault(number, row)
        entry, problems = _entry(row, cells, school_year)
        found += problems
        if student is not None and not problems:
            entries[student.pk] = entry
    return entries, found
