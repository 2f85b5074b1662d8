"""The 72-item table as data."""

from xueji.policy import codes
from xueji.policy.fields import (
    CONTROLLED_FIELDS,
    FAMILY_FIELD_BY_NAME,
    FAMILY_FIELDS,
    FIELD_BY_LABEL,
    FIELD_BY_NAME,
    GRADE_LABELS,
    KINDS,
    STUDENT_FIELDS,
    family_column,
    family_item,
    field_label,
    parse_family_column,
    parse_grade,
    template_columns,
)

STUDENT_NAMES = (
    "name gender birth_date birthplace native_place ethnicity nationality id_type id_number hmt_overseas "
    "political_status health_status photo name_pinyin former_name id_valid_until hukou_location hukou_nature "
    "specialty aux_number seat_number grade school_class entry_month entry_mode attendance_mode student_source "
    "current_address mailing_address home_address phone postcode email homepage only_child preschool "
    "left_behind migrant_child orphan martyr_child inclusive_study disability_type govt_funded_place needs_aid "
    "one_subsidy commute_distance commute_mode needs_school_bus"
).split()
FAMILY_NAMES = (
    "name relation relation_note ethnicity employer address hukou_location phone is_guardian id_type id_number position"
).split()


def test_items_1_to_48_in_order_with_the_agreed_names():
    assert [f.item for f in STUDENT_FIELDS] == list(range(1, 49))
    assert [f.name for f in STUDENT_FIELDS] == STUDENT_NAMES
    assert all(f.kind in KINDS for f in STUDENT_FIELDS + FAMILY_FIELDS)


def test_labels_are_the_template_headers():
    labels = {f.item: f.label for f in STUDENT_FIELDS}
    assert labels[1] == "姓名" and labels[7] == "国籍/地区" and labels[9] == "身份证件号"
    assert labels[10] == "港澳台侨外" and labels[37] == "是否留守儿童" and labels[41] == "随班就读"
    assert labels[48] == "是否需要乘坐校车"
    assert FIELD_BY_LABEL["是否享受一补"].name == "one_subsidy"


def test_required_items_are_the_starred_ones_plus_37_to_48():
    required = {f.item for f in STUDENT_FIELDS if f.required}
    starred = {1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 17, 18, 22, 24, 25, 26, 28, 29, 30, 31, 32, 35, 36}
    assert required == starred | set(range(37, 49))
    # 班级 (classes come after admission), 照片 and the conditionally required 身份证件号 are not flagged.
    assert not FIELD_BY_NAME["school_class"].required
    assert not FIELD_BY_NAME["photo"].required
    assert not FIELD_BY_NAME["id_number"].required


def test_controlled_fields_are_those_of_articles_15_and_23():
    assert CONTROLLED_FIELDS == ("name", "gender", "birth_date", "id_type", "id_number", "grade")


def test_code_fields_carry_their_tables():
    assert FIELD_BY_NAME["ethnicity"].table is codes.ETHNICITY
    assert FIELD_BY_NAME["left_behind"].table is codes.LEFT_BEHIND
    assert all(f.table for f in STUDENT_FIELDS if f.kind == "code")


def test_field_specs_are_hashable():
    assert len(set(STUDENT_FIELDS)) == 48


def test_family_block_and_its_template_columns():
    assert [f.name for f in FAMILY_FIELDS] == FAMILY_NAMES
    assert [f.label for f in FAMILY_FIELDS][:3] == ["姓名", "关系", "关系说明"]
    assert family_column(1, FAMILY_FIELD_BY_NAME["name"]) == "成员1姓名"
    assert family_column(2, FAMILY_FIELD_BY_NAME["position"]) == "成员2职务"
    assert family_item(2, FAMILY_FIELD_BY_NAME["position"]) == 72
    assert parse_family_column("成员2联系电话") == (2, FAMILY_FIELD_BY_NAME["phone"])
    assert parse_family_column("成员1爱好") is None


def test_template_has_72_unique_columns():
    columns = template_columns()
    assert len(columns) == 72 == len(set(columns))
    assert columns[48] == "成员1姓名" and columns[-1] == "成员2职务"


def test_field_label_for_violation_fields():
    assert field_label("birthplace") == "出生地"
    assert field_label("family[1].phone") == "成员2联系电话"
    assert field_label("unknown") == "unknown"


def test_grades_accept_numbers_and_names():
    assert GRADE_LABELS[1] == "一年级" and GRADE_LABELS[7] == "初一" and GRADE_LABELS[12] == "高三"
    for raw, grade in [(1, 1), ("6", 6), (7.0, 7), ("初二", 8), ("七年级", 7), ("高三", 12), ("十二", None)]:
        assert parse_grade(raw) == grade
    for raw in (0, 13, "13", "大一", None, True, 6.5):
        assert parse_grade(raw) is None
