"""The 72 items of the national 学生基本信息表 (附件6) as data: items 1-48 and two family blocks."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from xueji.policy import codes

KINDS = (
    "text",
    "code",
    "date",
    "yearmonth",
    "division",
    "bool",
    "decimal",
    "phone",
    "postcode",
    "email",
    "url",
    "photo",
    "grade",
    "class",
    "id",
)


@dataclass(frozen=True)
class FieldSpec:
    """One item of the form: its number, template label, snake_case name and value kind."""

    item: int
    label: str
    name: str
    kind: str
    required: bool = False
    # Left out of ==/hash so a FieldSpec stays hashable although a dict is not.
    table: dict | None = dataclasses.field(default=None, compare=False)
    max_length: int | None = None
    controlled: bool = False


def _f(item, label, name, kind, required=False, table=None, max_length=None, controlled=False):
    return FieldSpec(item, label, name, kind, required, table, max_length, controlled)


YES_NO = codes.YES_NO

# required marks the ★ items plus 37-48 (student-fields.md). Item 9 is conditionally required
# (not for id_type Z), so its flag is False and record.validate_student enforces it.
# 班级 is not required: classes are formed after admission (第十三条).
STUDENT_FIELDS: tuple[FieldSpec, ...] = (
    _f(1, "姓名", "name", "text", True, max_length=50, controlled=True),
    _f(2, "性别", "gender", "code", True, codes.GENDER, controlled=True),
    _f(3, "出生日期", "birth_date", "date", True, controlled=True),
    _f(4, "出生地", "birthplace", "division", True),
    _f(5, "籍贯", "native_place", "division", True),
    _f(6, "民族", "ethnicity", "code", True, codes.ETHNICITY),
    _f(7, "国籍/地区", "nationality", "code", True, codes.NATIONALITY),
    _f(8, "身份证件类型", "id_type", "code", True, codes.ID_TYPE, controlled=True),
    _f(9, "身份证件号", "id_number", "id", False, max_length=30, controlled=True),
    _f(10, "港澳台侨外", "hmt_overseas", "code", True, codes.HMT_OVERSEAS),
    _f(11, "政治面貌", "political_status", "code", False, codes.POLITICAL),
    _f(12, "健康状况", "health_status", "code", True, codes.HEALTH),
    _f(13, "照片", "photo", "photo"),
    _f(14, "姓名拼音", "name_pinyin", "text", max_length=100),
    _f(15, "曾用名", "former_name", "text", max_length=50),
    _f(16, "身份证件有效期", "id_valid_until", "text", max_length=30),
    _f(17, "户口所在地", "hukou_location", "division", True),
    _f(18, "户口性质", "hukou_nature", "code", True, codes.HUKOU_NATURE),
    _f(19, "特长", "specialty", "text", max_length=200),
    _f(20, "学籍辅号", "aux_number", "text", max_length=30),
    _f(21, "班内学号", "seat_number", "text", max_length=10),
    _f(22, "年级", "grade", "grade", True, controlled=True),  # 第二十三条, see CONTROLLED_ARTICLES
    _f(23, "班级", "school_class", "class", False, max_length=50),
    _f(24, "入学年月", "entry_month", "yearmonth", True),
    _f(25, "入学方式", "entry_mode", "code", True, codes.ENTRY_MODE),
    _f(26, "就读方式", "attendance_mode", "code", True, codes.ATTENDANCE_MODE),
    _f(27, "学生来源", "student_source", "code", False, codes.STUDENT_SOURCE),
    _f(28, "现住址", "current_address", "text", True, max_length=200),
    _f(29, "通信地址", "mailing_address", "text", True, max_length=200),
    _f(30, "家庭地址", "home_address", "text", True, max_length=200),
    _f(31, "联系电话", "phone", "phone", True, max_length=20),
    _f(32, "邮政编码", "postcode", "postcode", True, max_length=6),
    _f(33, "电子信箱", "email", "email", max_length=100),
    _f(34, "主页地址", "homepage", "url", max_length=200),
    _f(35, "是否独生子女", "only_child", "bool", True, YES_NO),
    _f(36, "是否受过学前教育", "preschool", "bool", True, YES_NO),
    _f(37, "是否留守儿童", "left_behind", "code", True, codes.LEFT_BEHIND),
    _f(38, "是否进城务工人员随迁子女", "migrant_child", "bool", True, YES_NO),
    _f(39, "是否孤儿", "orphan", "bool", True, YES_NO),
    _f(40, "是否烈士或优抚子女", "martyr_child", "bool", True, YES_NO),
    _f(41, "随班就读", "inclusive_study", "code", True, codes.INCLUSIVE_STUDY),
    _f(42, "残疾类型", "disability_type", "code", True, codes.DISABILITY),
    _f(43, "是否由政府购买学位", "govt_funded_place", "bool", True, YES_NO),
    _f(44, "是否需要申请资助", "needs_aid", "bool", True, YES_NO),
    _f(45, "是否享受一补", "one_subsidy", "bool", True, YES_NO),
    _f(46, "上下学距离", "commute_distance", "decimal", True),
    _f(47, "上下学方式", "commute_mode", "code", True, codes.COMMUTE_MODE),
    _f(48, "是否需要乘坐校车", "needs_school_bus", "bool", True, YES_NO),
)

# Items 49-60; member 2 repeats them as 61-72. required applies to the first member only.
FAMILY_FIELDS: tuple[FieldSpec, ...] = (
    _f(49, "姓名", "name", "text", True, max_length=50),
    _f(50, "关系", "relation", "code", True, codes.FAMILY_RELATION),
    _f(51, "关系说明", "relation_note", "text", max_length=50),
    _f(52, "民族", "ethnicity", "code", False, codes.ETHNICITY),
    _f(53, "工作单位", "employer", "text", max_length=100),
    _f(54, "现住址", "address", "text", max_length=200),
    _f(55, "户口所在地", "hukou_location", "division"),
    _f(56, "联系电话", "phone", "phone", True, max_length=20),
    _f(57, "是否监护人", "is_guardian", "bool", False, YES_NO),
    _f(58, "身份证件类型", "id_type", "code", False, codes.ID_TYPE),
    _f(59, "身份证件号", "id_number", "id", False, max_length=30),
    _f(60, "职务", "position", "text", max_length=50),
)
FAMILY_BLOCKS = 2

CONTROLLED_FIELDS: tuple[str, ...] = tuple(f.name for f in STUDENT_FIELDS if f.controlled)
# Every controlled item is 第十五条's except the grade: 第二十三条 forbids 留级, so a grade moves only by promotion,
# continuation, resumption or an approved application, never by an edit, nor by an information-change application.
CONTROLLED_ARTICLES: dict[str, str] = {"grade": "第二十三条"}
# What an information-change application (学籍信息变更, 第十五条) may change.
INFO_CHANGE_FIELDS: tuple[str, ...] = tuple(n for n in CONTROLLED_FIELDS if n not in CONTROLLED_ARTICLES)
# A record not yet registered (no number issued) is still the school's own entry: a wrong grade may be fixed.
EDITABLE_BEFORE_REGISTRATION: tuple[str, ...] = ("grade",)
FIELD_BY_NAME: dict[str, FieldSpec] = {f.name: f for f in STUDENT_FIELDS}
FIELD_BY_LABEL: dict[str, FieldSpec] = {f.label: f for f in STUDENT_FIELDS}
FAMILY_FIELD_BY_NAME: dict[str, FieldSpec] = {f.name: f for f in FAMILY_FIELDS}
FAMILY_FIELD_BY_LABEL: dict[str, FieldSpec] = {f.label: f for f in FAMILY_FIELDS}

GRADE_LABELS: dict[int, str] = {
    1: "一年级",
    2: "二年级",
    3: "三年级",
    4: "四年级",
    5: "五年级",
    6: "六年级",
    7: "初一",
    8: "初二",
    9: "初三",
    10: "高一",
    11: "高二",
    12: "高三",
}
# Other names registrars write for the same grades (七年级 is 初一 under the 6+3 system).
GRADE_ALIASES: dict[str, int] = {
    "七年级": 7,
    "八年级": 8,
    "九年级": 9,
    "初中一年级": 7,
    "初中二年级": 8,
    "初中三年级": 9,
    "高中一年级": 10,
    "高中二年级": 11,
    "高中三年级": 12,
}
_GRADE_BY_TEXT = {name: number for number, name in GRADE_LABELS.items()} | GRADE_ALIASES
_FAMILY_COLUMN = re.compile(r"^成员(\d+)(.+)$")
_FAMILY_PATH = re.compile(r"^family\[(\d+)\]\.(\w+)$")


def family_column(n: int, spec: FieldSpec) -> str:
    """Template column of member n (1-based): 成员1姓名 ... 成员2职务."""
    return f"成员{n}{spec.label}"


def family_item(n: int, spec: FieldSpec) -> int:
    """Form item number of member n: 49-60 for the first, 61-72 for the second."""
    return spec.item + (n - 1) * len(FAMILY_FIELDS)


def parse_family_column(column: str) -> tuple[int, FieldSpec] | None:
    """(member number, spec) for a column like 成员2联系电话, else None."""
    match = _FAMILY_COLUMN.match(column.strip())
    if not match or match[2] not in FAMILY_FIELD_BY_LABEL:
        return None
    return int(match[1]), FAMILY_FIELD_BY_LABEL[match[2]]


def template_columns() -> list[str]:
    """All 72 column headers of the national import template, in form order."""
    student = [f.label for f in STUDENT_FIELDS]
    family = [family_column(n, f) for n in range(1, FAMILY_BLOCKS + 1) for f in FAMILY_FIELDS]
    return student + family


def field_label(field: str) -> str:
    """Chinese column name for a Violation.field: 'name' -> 姓名, 'family[1].phone' -> 成员2联系电话."""
    if field in FIELD_BY_NAME:
        return FIELD_BY_NAME[field].label
    match = _FAMILY_PATH.match(field)
    if match and match[2] in FAMILY_FIELD_BY_NAME:
        return family_column(int(match[1]) + 1, FAMILY_FIELD_BY_NAME[match[2]])
    return field


def parse_grade(raw: object) -> int | None:
    """Grade 1-12 from a number, "7", "7.0", 一年级 ... 高三 or 七年级; None when not a grade."""
    if raw is None or isinstance(raw, bool):
        return None
    text = "".join(str(raw).split())
    if re.fullmatch(r"\d+(\.0+)?", text):
        number = int(text.split(".")[0])
        return number if 1 <= number <= 12 else None
    return _GRADE_BY_TEXT.get(text)
