"""The admission template (.xlsx): the 72 items of 附件6 as columns, every cell formatted as text, a note on each
header saying what to write, and a second sheet with the code tables.

Every column is text ('@'), not just the ID numbers: codes such as 民族 01 and postcodes such as 030006 lose their
leading zero in a number cell, and an 18-digit ID number loses its last digits (Excel keeps 15 significant digits).
"""

from __future__ import annotations

import io
from functools import cache

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from xueji.policy.fields import FAMILY_FIELDS, STUDENT_FIELDS, FieldSpec, family_column, template_columns

from .sheets import NUMBER_COLUMN

TEXT = "@"
PREFORMATTED_ROWS = 300
SHORT_TABLE = 12  # tables up to this size are listed in the header note itself
FILENAME = "学生基本信息导入模板.xlsx"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_KIND_HINTS = {
    "date": "格式YYYYMMDD,如20150302",
    "yearmonth": "格式YYYYMM,如202109",
    "division": "6位行政区划代码,如140105",
    "bool": "填“是”或“否”(或1、0)",
    "decimal": "公里数,如2.5",
    "grade": "1至12,或一年级…六年级、初一…初三、高一…高三",
    "phone": "手机或固定电话,如13835100001",
    "postcode": "6位数字,如030006",
    "id": "居民身份证为18位,末位可为X;请勿改成数字格式",
    "class": "可留空:班级在入学后编排(第十三条)",
    "photo": "留空:照片另行以压缩包上传",
}


def _specs() -> dict[str, FieldSpec]:
    specs = {f.label: f for f in STUDENT_FIELDS}
    specs |= {family_column(n, f): f for n in (1, 2) for f in FAMILY_FIELDS}
    return specs


def _required(label: str, spec: FieldSpec) -> bool:
    if label.startswith("成员2"):
        return False
    return spec.required or spec.name == "id_number" and not label.startswith("成员")


def _note(label: str, spec: FieldSpec) -> str:
    parts = ["必填" if _required(label, spec) else "选填"]
    if spec.name == "id_number" and not label.startswith("成员"):
        parts[0] = "必填(身份证件类型为“其他”时可不填)"
    if spec.table is not None and spec.kind == "code":
        if len(spec.table) <= SHORT_TABLE:
            parts.append("填代码或名称:" + "、".join(f"{c} {n}" for c, n in spec.table.items()))
        else:
            parts.append("填代码或名称,见“代码表”工作表")
    elif spec.kind in _KIND_HINTS:
        parts.append(_KIND_HINTS[spec.kind])
    if spec.max_length and spec.kind == "text":
        parts.append(f"不超过{spec.max_length}个字")
    return "。".join(parts)


def columns() -> list[str]:
    return template_columns() + [NUMBER_COLUMN]


@cache
def template_bytes() -> bytes:
    """The template, built once per process (it depends on the code tables only)."""
    return build_template()


def build_template() -> bytes:
    """The template workbook as bytes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "学生信息"
    specs = _specs()
    header_font, required_fill = Font(bold=True), PatternFill("solid", fgColor="FFF2CC")
    for index, label in enumerate(columns(), start=1):
        cell = sheet.cell(row=1, column=index, value=label)
        cell.font = header_font
        cell.number_format = TEXT
        cell.alignment = Alignment(horizontal="center")
        spec = specs.get(label)
        note = _note(label, spec) if spec else "选填:升学接续的学生填写原学籍号(第四条),新生留空"
        if spec is not None and _required(label, spec):
            cell.fill = required_fill
        cell.comment = Comment(note, "学籍系统", width=260, height=110)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(10, min(30, 2.2 * len(label) + 4))
        sheet.column_dimensions[letter].number_format = TEXT
        for row in range(2, PREFORMATTED_ROWS + 2):
            sheet.cell(row=row, column=index).number_format = TEXT
    sheet.freeze_panes = "B2"
    _code_sheet(workbook.create_sheet("代码表"), specs)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _code_sheet(sheet, specs: dict[str, FieldSpec]) -> None:
    sheet.append(["列名", "代码", "名称"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    seen = set()
    for label, spec in specs.items():
        if spec.kind != "code" or spec.table is None or label.startswith("成员2"):
            continue
        name = label.removeprefix("成员1") if label.startswith("成员1") else label
        if name in seen:
            continue
        seen.add(name)
        for code, text in spec.table.items():
            sheet.append([name, code, text])
    for column in ("A", "B", "C"):
        sheet.column_dimensions[column].number_format = TEXT
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["C"].width = 30
