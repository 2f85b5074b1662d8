"""The 72 items of the national form (附件6) as page sections A–G: read-only display and edit inputs.

Pages only present values here; reading and checking them is the policy's job (xueji.policy.record),
called by the student services. Inputs carry the canonical snake_case names, family members
`family-<0|1>-<name>`, so a refusal's Violation.field ("phone", "family[0].phone") finds its input.
"""

import datetime
from decimal import Decimal

from xueji.core.masking import mask_id, mask_numbers_in_text
from xueji.policy import codes
from xueji.policy.fields import (
    FAMILY_BLOCKS,
    FAMILY_FIELDS,
    FIELD_BY_NAME,
    GRADE_LABELS,
    STUDENT_FIELDS,
    family_item,
)

from .templatetags.xueji_tags import cn_date, cn_yearmonth, division_name

SECTIONS = (
    ("A", "基础信息", range(1, 14)),
    ("B", "辅助信息", range(14, 20)),
    ("C", "学籍基本信息", range(20, 28)),
    ("D", "联系信息", range(28, 35)),
    ("E", "扩展信息", range(35, 46)),
    ("F", "上下学交通", range(46, 49)),
)
FAMILY_TITLE = ("G", "家庭成员或监护人")
CONTROLLED_NOTE = "受控信息,须通过信息变更申请办理(第十五条)"
# The grade's own note: no information change carries it (第二十三条).
CONTROLLED_NOTES = {"grade": "不允许留级,年级只随升级、升学接续、复学或经批准的申请变动(第二十三条)"}
# Items the forms leave out: the photo has its own upload form.
NOT_IN_FORM = ("photo",)
# The model column of a family item whose form name differs.
FAMILY_COLUMN = {"position": "position_title"}

HELP = {
    "name": "与户口簿一致;生僻字(如𠮷、䶮)可直接输入",
    "birth_date": "须与居民身份证号中的出生日期一致",
    "birthplace": "6位行政区划代码,如 140105(太原市小店区)",
    "native_place": "6位行政区划代码",
    "id_number": "居民身份证为18位,最后一位可以是X;证件类型为“其他”时可不填",
    "name_pinyin": "留空则按姓名自动生成",
    "id_valid_until": "如 2030-05-01 或 长期",
    "hukou_location": "6位行政区划代码",
    "aux_number": "本省自编号,可不填",
    "entry_month": "6位数字,如 202409 表示2024年9月",
    "entry_mode": "义务教育阶段选“就近入学”或“其他”;普通高中选统一招生考试等",
    "school_class": "尚未分班可不选;班额按第十三条控制",
    "phone": "手机或固定电话,如 13835100001 或 0351-1234567",
    "postcode": "6位数字,如 030006",
    "inclusive_study": "须与残疾类型一致",
    "commute_distance": "单位:公里,如 1.5",
}
INPUT_TYPES = {"date": "date", "decimal": "number", "email": "email", "phone": "tel", "url": "url"}


def form_value(value) -> str:
    """A stored value as the string an input holds: booleans as 1/0, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if value is True or value is False:
        return "1" if value else "0"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _family_column(name: str) -> str:
    return FAMILY_COLUMN.get(name, name)


# ---------------------------------------------------------------- read-only display


def _display(spec, value, student=None) -> tuple[str, str]:
    """(text, code) for one item: the label of a code and the code itself, a masked ID, a Chinese date."""
    if value in (None, ""):
        return "", ""
    if spec.table is not None:
        return codes.label(spec.table, form_value(value), form_value(value)), form_value(value)
    if spec.kind == "division":
        return division_name(value) or value, value
    if spec.kind == "date":
        return cn_date(value), ""
    if spec.kind == "yearmonth":
        return cn_yearmonth(value), ""
    if spec.kind == "grade":
        return GRADE_LABELS.get(int(value), str(value)), ""
    if spec.kind == "id":
        return mask_id(value), ""
    if spec.kind == "decimal":
        return f"{form_value(value)} 公里", ""
    return str(value), ""


def view_sections(student) -> list[dict]:
    """Sections A–F of a stored record, every item with its number, label, display text and code."""
    sections = []
    by_item = {spec.item: spec for spec in STUDENT_FIELDS}
    for letter, title, items in SECTIONS:
        fields = []
        for item in items:
            spec = by_item[item]
            if spec.name == "photo":
                continue
            if spec.name == "school_class":
                text, code = (str(student.school_class) if student.school_class else ""), ""
            else:
                text, code = _display(spec, getattr(student, spec.name))
            fields.append({"item": item, "label": spec.label, "name": spec.name, "text": text, "code": code,
                           "controlled": spec.controlled, "note": CONTROLLED_NOTES.get(spec.name, CONTROLLED_NOTE)})
        sections.append({"letter": letter, "title": title, "fields": fields})
    return sections


def view_family(student) -> list[dict]:
    """Both family blocks (items 49–60 and 61–72); a block nobody filled in is reported as empty."""
    # Ordered by position explicitly: the model's default ordering starts with the student, a join for nothing.
    members = {m.position: m for m in student.family.order_by("position")}
    blocks = []
    for n in range(1, FAMILY_BLOCKS + 1):
        member = members.get(n)
        fields = []
        for spec in FAMILY_FIELDS:
            value = getattr(member, _family_column(spec.name)) if member else None
            text, code = _display(spec, value)
            fields.append({"item": family_item(n, spec), "label": spec.label, "text": text, "code": code})
        blocks.append({"number": n, "present": member is not None, "fields": fields})
    return blocks


# ---------------------------------------------------------------- edit and create forms


def initial_values(student) -> dict[str, str]:
    """What the edit form shows before the user types: every item as an input string."""
    values = {spec.name: form_value(getattr(student, spec.name)) for spec in STUDENT_FIELDS
              if spec.name not in NOT_IN_FORM and spec.name != "school_class"}
    values["school_class"] = form_value(student.school_class_id)
    for member in student.family.all():
        for spec in FAMILY_FIELDS:
            values[family_input(member.position - 1, spec.name)] = form_value(
                getattr(member, _family_column(spec.name)))
    return values


def family_input(index: int, name: str) -> str:
    return f"family-{index}-{name}"


def posted_values(post) -> dict[str, str]:
    """The form's inputs from a POST, trimmed; names the form does not have are ignored."""
    names = [spec.name for spec in STUDENT_FIELDS if spec.name not in NOT_IN_FORM]
    names += [family_input(i, spec.name) for i in range(FAMILY_BLOCKS) for spec in FAMILY_FIELDS]
    return {name: post.get(name, "").strip() for name in names if name in post}


def _family_from(values: dict[str, str]) -> list[dict]:
    return [{spec.name: values.get(family_input(i, spec.name), "") for spec in FAMILY_FIELDS}
            for i in range(FAMILY_BLOCKS)]


def raw_record(values: dict[str, str]) -> dict:
    """A whole new record for create_student: every item plus both family blocks."""
    raw = {spec.name: values.get(spec.name, "") for spec in STUDENT_FIELDS if spec.name not in NOT_IN_FORM}
    raw["family"] = _family_from(values)
    return raw


def _is_family_id(name: str) -> bool:
    return name.startswith("family-") and name.endswith("-id_number")


def masked_family_ids(values: dict[str, str]) -> dict[str, str]:
    """The edit form shows a family member's ID number masked, as the record page and the API do (第四十四条)."""
    from xueji.core.masking import mask_id

    return {name: mask_id(value) if _is_family_id(name) and value else value for name, value in values.items()}


def unmasked_family_ids(posted: dict[str, str], initial: dict[str, str]) -> dict[str, str]:
    """A masked ID number sent back untouched means "unchanged": the stored number, not the asterisks."""
    from xueji.core.masking import mask_id

    return {name: initial[name] if _is_family_id(name) and initial.get(name) and value == mask_id(initial[name])
            else value for name, value in posted.items()}


def raw_patch(posted: dict[str, str], initial: dict[str, str]) -> dict:
    """Only what the user changed, for update_student. A controlled item sent anyway goes to the service,
    which refuses it with 第十五条. A changed family block is sent whole: blank blocks are dropped when read,
    so a lone second block would otherwise land on the first."""
    patch = {name: value for name, value in posted.items()
             if not name.startswith("family-") and value != initial.get(name, "")}
    if any(name.startswith("family-") and value != initial.get(name, "") for name, value in posted.items()):
        patch["family"] = _family_from(initial | posted)
    return patch


def _choices(spec, school, classes) -> list[tuple[str, str]] | None:
    if spec.table is not None:
        return [(code, label) for code, label in spec.table.items()]
    if spec.kind == "grade":
        return [(str(g), GRADE_LABELS.get(g, str(g))) for g in school.grades]
    if spec.kind == "class":
        return [(str(c.pk), f"{GRADE_LABELS.get(c.grade, c.grade)} {c.name}") for c in classes]
    return None


def _input(spec, *, name: str, path: str, values, errors, editable: bool, school, classes,
           reveal: bool = False) -> dict:
    value = values.get(name, "")
    choices = _choices(spec, school, classes)
    shown = dict(choices or []).get(value, value) if value else ""
    if spec.kind == "id" and not editable and not reveal:
        shown = mask_id(value)
    return {
        "item": spec.item, "label": spec.label, "name": name, "value": value, "shown": shown,
        "kind": spec.kind, "input_type": INPUT_TYPES.get(spec.kind, "text"), "choices": choices,
        "required": spec.required, "controlled": spec.controlled, "editable": editable,
        "note": CONTROLLED_NOTES.get(spec.name, CONTROLLED_NOTE),
        "help": HELP.get(spec.name, ""), "errors": errors.get(path, []), "max_length": spec.max_length,
    }


def form_sections(values: dict[str, str], errors: dict[str, list[str]], *, school, classes,
                  allow_controlled: bool, unlocked: tuple[str, ...] = (), reveal: bool = False) -> list[dict]:
    """Sections A–F as inputs. On the edit page controlled items are read-only (第十五条, the grade 第二十三条),
    except those `unlocked` (the grade of a record not yet registered). The read-only ID number shows masked
    unless `reveal` (the user gave a reason, 第四十四条)."""
    by_item = {spec.item: spec for spec in STUDENT_FIELDS}
    sections = []
    for letter, title, items in SECTIONS:
        fields = [
            _input(by_item[i], name=by_item[i].name, path=by_item[i].name, values=values, errors=errors,
                   editable=allow_controlled or not by_item[i].controlled or by_item[i].name in unlocked,
                   school=school, classes=classes, reveal=reveal)
            for i in items if by_item[i].name not in NOT_IN_FORM
        ]
        sections.append({"letter": letter, "title": title, "fields": fields})
    return sections


def form_family(values: dict[str, str], errors: dict[str, list[str]], *, school) -> list[dict]:
    blocks = []
    for i in range(FAMILY_BLOCKS):
        fields = []
        for spec in FAMILY_FIELDS:
            field = _input(spec, name=family_input(i, spec.name), path=f"family[{i}].{spec.name}", values=values,
                           errors=errors, editable=True, school=school, classes=())
            field["item"] = family_item(i + 1, spec)
            field["required"] = spec.required and i == 0
            fields.append(field)
        blocks.append({"number": i + 1, "fields": fields, "errors": errors.get("family", []) if i == 0 else []})
    return blocks


def change_text(name: str, value) -> str:
    """An old or new value of a recorded change, in words: 是/否, a code's label, a masked ID."""
    spec = FIELD_BY_NAME.get(name)
    if value in (None, ""):
        return "(空)"
    if spec is None or spec.kind in ("date", "class"):
        # An issued or earlier student number: a G number carries the ID, masked like it.
        return mask_numbers_in_text(str(value))
    return _display(spec, value)[0] or str(value)
