"""附件6 学生基本信息表: one student record laid out as the national form, for the guardian to check and sign.

第十一条: the school hands the form out, the guardian fills or checks it, the head teacher and the school's leader
check it, the registrar prints it back from the record and the guardian and the head teacher sign it. This module
only arranges the stored values (codes printed as their labels, from xueji.policy); the template draws them.
"""

from __future__ import annotations

import base64
import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from xueji.core.masking import mask_id, mask_student_number
from xueji.policy import codes
from xueji.policy.areas import area_name
from xueji.policy.fields import FAMILY_BLOCKS, FAMILY_FIELDS, GRADE_LABELS, STUDENT_FIELDS, family_item
from xueji.policy.province import get_policy

TITLE = "学生基本信息表"
ANNEX = "附件6"
SECTIONS = (
    ("基础信息", range(1, 14)),
    ("辅助信息", range(14, 20)),
    ("学籍基本信息", range(20, 28)),
    ("联系信息", range(28, 35)),
    ("扩展信息", range(35, 46)),
    ("上下学交通", range(46, 49)),
)
FAMILY_TITLE = "家庭成员或监护人"
AWARDS_TITLE = "奖励情况"
# Items whose values are long enough to take a whole row (addresses run to 200 characters).
WIDE = frozenset({"specialty", "current_address", "mailing_address", "home_address", "homepage"})
PAIRS_PER_ROW = 3
# The photo box (26×32 mm, item 13) stands beside 基础信息, whose rows then hold two items each.
ROWS_BESIDE_PHOTO = 6
# A family item's model column, where it differs from the item's name.
FAMILY_COLUMN = {"position": "position_title"}


def division_text(code: str) -> str:
    """山西省太原市小店区 for 140105; the code itself when the table does not know it."""
    code6 = str(code)[:6]
    parts: list[str] = []
    for prefix in (code6[:2] + "0000", code6[:4] + "00", code6):
        name = area_name(prefix)
        if name and name not in parts:
            parts.append(name)
    return "".join(parts) or str(code)


def value_text(spec, value, *, full_id: bool) -> str:
    """A stored value as the form prints it: a code as its label, a date in Chinese, a masked ID unless allowed."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        value = "1" if value else "0"
    if spec.table is not None:
        return codes.label(spec.table, str(value), str(value))
    if spec.kind == "division":
        return division_text(value)
    if spec.kind == "date" and isinstance(value, datetime.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if spec.kind == "yearmonth" and len(str(value)) == 6:
        return f"{str(value)[:4]}年{int(str(value)[4:])}月"
    if spec.kind == "grade":
        return GRADE_LABELS.get(int(value), str(value))
    if spec.kind == "id":
        return str(value) if full_id else mask_id(str(value))
    if spec.kind == "decimal" and isinstance(value, Decimal):
        return f"{format(value.normalize(), 'f')} 公里"
    return str(value)


def _cell(spec, text: str, *, item: int | None = None) -> dict:
    return {"item": item or spec.item, "label": spec.label, "text": text, "wide": spec.name in WIDE, "span": 1}


def _student_cells(student, items: range, *, full_id: bool) -> list[dict]:
    by_item = {spec.item: spec for spec in STUDENT_FIELDS}
    cells = []
    for item in items:
        spec = by_item[item]
        if spec.name == "photo":
            continue
        if spec.name == "school_class":
            text = str(student.school_class.name) if student.school_class else ""
        else:
            text = value_text(spec, getattr(student, spec.name), full_id=full_id)
        cells.append(_cell(spec, text))
    return cells


def pack_rows(cells: list[dict], *, narrow_rows: int = 0) -> list[list[dict]]:
    """Cells in rows of PAIRS_PER_ROW label/value pairs (the first `narrow_rows` rows one pair fewer);
    a wide cell takes a row of its own, and the last cell of a short row stretches to the row's end."""
    rows: list[list[dict]] = []
    current: list[dict] = []

    def capacity() -> int:
        return PAIRS_PER_ROW - (1 if len(rows) < narrow_rows else 0)

    def close() -> None:
        if current:
            current[-1]["span"] += 2 * (capacity() - len(current))
            rows.append(list(current))
            current.clear()

    for cell in cells:
        if cell["wide"]:
            close()
            current.append(cell)
            close()
            continue
        current.append(cell)
        if len(current) == capacity():
            close()
    close()
    return rows


def family_rows(student, *, full_id: bool) -> list[dict]:
    """Items 49–60 and 61–72 side by side: one row per item, one column per member."""
    members = {m.position: m for m in student.family.all()}
    rows = []
    for spec in FAMILY_FIELDS:
        column = FAMILY_COLUMN.get(spec.name, spec.name)
        values = []
        for n in range(1, FAMILY_BLOCKS + 1):
            member = members.get(n)
            values.append({
                "item": family_item(n, spec),
                "text": value_text(spec, getattr(member, column), full_id=full_id) if member else "",
            })
        rows.append({"label": spec.label, "members": values})
    return rows


def photo_data_uri(student) -> str | None:
    # Inlined: the photo is small (under 60 KB) and private, and the renderer fetches nothing from outside.
    if not student.photo:
        return None
    try:
        with student.photo.open("rb") as fh:
            data = fh.read()
    except (FileNotFoundError, OSError, ValueError):
        return None
    kind = "png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "jpeg"
    return f"data:image/{kind};base64," + base64.b64encode(data).decode()


def awards_text(student) -> str:
    """The awards in the student's archive (第三十九条), oldest first, withdrawn ones left out; the class print
    prefetches them."""
    kept = sorted((a for a in student.awards.all() if a.revoked_on is None), key=lambda a: (a.awarded_on, a.pk))
    return ";".join(a.text for a in kept)


def sheet(student, *, full_id: bool) -> dict:
    """Everything one student's page of the form shows."""
    sections = []
    for number, (title, items) in enumerate(SECTIONS):
        cells = _student_cells(student, items, full_id=full_id)
        rows = pack_rows(cells, narrow_rows=ROWS_BESIDE_PHOTO if number == 0 else 0)
        sections.append({"title": title, "rows": rows, "photo": number == 0})
    return {
        "student": student,
        # The number follows the ID: a G number is the ID with a letter in front (第四十四条).
        "student_number": student.student_number if full_id else mask_student_number(student.student_number),
        "school": student.school,
        "grade": GRADE_LABELS.get(student.grade, str(student.grade)),
        "class_name": student.school_class.name if student.school_class else "",
        "sections": sections,
        "awards_title": AWARDS_TITLE,
        "awards": awards_text(student),
        "family_title": FAMILY_TITLE,
        "family": family_rows(student, full_id=full_id),
        "family_blocks": list(range(1, FAMILY_BLOCKS + 1)),
        "photo_uri": photo_data_uri(student),
        "full_id": full_id,
    }


def document_context(students, *, full_id: bool, subtitle: str) -> dict:
    """The template context of a form holding one or many students (one page each)."""
    return {
        "title": TITLE,
        "annex": ANNEX,
        "subtitle": subtitle,
        "sheets": [sheet(s, full_id=full_id) for s in students],
        "printed_on": timezone.localdate(),
        "province_name": _province_name(),
    }


def _province_name() -> str:
    try:
        return get_policy(settings.XUEJI_PROVINCE).name
    except (KeyError, ValueError):
        return ""
