"""Reading raw values into a record and the record's rules (student-fields.md)."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from xueji.policy.fields import STUDENT_FIELDS
from xueji.policy.idcard import check_digit
from xueji.policy.record import clean_student, normalize, validate_canonical, validate_patch, validate_student

TODAY = date(2026, 9, 1)


def make_id(area="140105", born=date(2015, 3, 2), seq=121):
    body = f"{area}{born:%Y%m%d}{seq:03d}"
    return body + check_digit(body)


def father(**overrides):
    member = {
        "name": "王建国",
        "relation": "51",
        "phone": "13835100002",
        "is_guardian": True,
        "id_type": "1",
        "id_number": make_id(born=date(1985, 6, 1), seq=131),
    }
    return member | overrides


def student(**overrides):
    """A complete, valid canonical record of a 小店区 first-grader."""
    data = {
        "name": "王小明",
        "gender": "1",
        "birth_date": date(2019, 3, 2),
        "birthplace": "140105",
        "native_place": "140105",
        "ethnicity": "01",
        "nationality": "CHN",
        "id_type": "1",
        "id_number": make_id(born=date(2019, 3, 2)),
        "hmt_overseas": "00",
        "health_status": "10",
        "hukou_location": "140105",
        "hukou_nature": "2",
        "grade": 1,
        "entry_month": "202609",
        "entry_mode": "11",
        "attendance_mode": "1",
        "current_address": "山西省太原市小店区坞城路92号",
        "mailing_address": "山西省太原市小店区坞城路92号",
        "home_address": "山西省太原市小店区坞城路92号",
        "phone": "13835100001",
        "postcode": "030006",
        "only_child": True,
        "preschool": True,
        "left_behind": "0",
        "migrant_child": False,
        "orphan": False,
        "martyr_child": False,
        "inclusive_study": "0",
        "disability_type": "0",
        "govt_funded_place": False,
        "needs_aid": False,
        "one_subsidy": False,
        "commute_distance": Decimal("1.5"),
        "commute_mode": "4",
        "needs_school_bus": False,
        "family": [father()],
    }
    return data | overrides


def check(data, **kw):
    kw.setdefault("today", TODAY)
    return validate_student(data, **kw)


def errors(data, **kw):
    return [(v.code, v.field) for v in check(data, **kw) if v.severity == "error"]


# ---------------------------------------------------------------- the whole record


def test_complete_record_has_no_violation():
    assert check(student()) == []


@pytest.mark.parametrize("spec", [f for f in STUDENT_FIELDS if f.required], ids=lambda f: f.name)
def test_each_required_item_is_refused_when_missing(spec):
    data = student()
    data.pop(spec.name, None)
    found = [v for v in check(data) if v.code == "required" and v.field == spec.name]
    assert found and found[0].message == f"{spec.label}为必填项,请填写"


@pytest.mark.parametrize("blank", ["  ", "\u3000", float("nan")], ids=["spaces", "ideographic-space", "nan"])
def test_a_required_item_that_is_only_blank_is_refused_like_a_missing_one(blank):
    # validate_canonical settles a complete row in one quick pass; text that strips to nothing and a
    # spreadsheet's NaN must still count as missing there. Blank text is tried on the items held as text.
    texts = isinstance(blank, str)
    for spec in (f for f in STUDENT_FIELDS if f.required and (not texts or isinstance(student().get(f.name), str))):
        data = student(**{spec.name: blank})
        found = [v for v in validate_canonical(data, school_type="211", today=TODAY)
                 if v.code == "required" and v.field == spec.name]
        assert found, spec.name
    assert validate_canonical(student(), school_type="211", today=TODAY) == []


def test_class_and_photo_may_be_missing():
    data = student()
    assert "school_class" not in data and "photo" not in data
    assert check(data) == []


def test_id_number_required_unless_type_z():
    assert ("required", "id_number") in errors(student(id_number=None))
    assert check(student(id_type="Z", id_number=None)) == []


# ---------------------------------------------------------------- names


@pytest.mark.parametrize("name", ["𠮷", "王𠮷", "李䶮", "𠮷𠮷𠮷", "买买提·艾力", "Anna Müller"])
def test_names_with_rare_characters_pass(name):
    assert check(student(name=name)) == []


def test_long_name_is_refused():
    assert ("too_long", "name") in errors(student(name="𠮷" * 51))
    assert check(student(name="𠮷" * 50)) == []


def test_control_characters_and_broken_text_are_refused():
    assert ("invalid_name", "name") in errors(student(name="王\x00明"))
    assert ("invalid_name", "name") in errors(student(name="王\ud842明"))


# ---------------------------------------------------------------- birth date and ID


def test_birth_date_in_the_future_is_refused():
    found = errors(student(birth_date=date(2026, 9, 2), id_type="Z", id_number=None))
    assert ("birth_date_future", "birth_date") in found


@pytest.mark.parametrize(
    ("born", "ok"),
    [
        (date(2023, 9, 1), True),
        (date(2023, 9, 2), False),
        (date(1995, 9, 2), True),
        (date(1995, 9, 1), False),
    ],
)
def test_age_must_be_between_3_and_30(born, ok):
    data = student(birth_date=born, id_number=make_id(born=born))
    assert (("birth_date_implausible", "birth_date") not in errors(data)) == ok


def test_id_birth_date_must_equal_item_3():
    found = check(student(birth_date=date(2019, 3, 12)))
    assert [v.code for v in found] == ["id_birth_mismatch"]


def test_id_gender_must_match_item_2():
    assert errors(student(gender="2")) == [("id_gender_mismatch", "gender")]


def test_id_with_wrong_check_character_is_refused():
    number = make_id(born=date(2019, 3, 2))
    wrong = "0" if number[-1] != "0" else "1"
    assert errors(student(id_number=number[:-1] + wrong)) == [("id_check_digit", "id_number")]


def test_other_document_types_are_not_checked_as_resident_ids():
    assert check(student(id_type="A", id_number="E12345678")) == []


# ---------------------------------------------------------------- divisions and contact


def test_statistical_12_digit_division_keeps_the_first_six():
    data, found = normalize({"birthplace": "140105001001"})
    assert data["birthplace"] == "140105" and found == []


def test_malformed_division_is_refused_and_unknown_one_warned():
    assert ("invalid_division", "birthplace") in errors(student(birthplace="14010"))
    [warning] = check(student(native_place="149999"))
    assert warning.code == "division_unknown" and warning.severity == "warning"


@pytest.mark.parametrize(
    ("phone", "ok"),
    [
        ("0351-7654321", True),
        ("+86-13912345678", True),
        ("1234567", True),
        ("12345", False),
        ("电话13912345678", False),
        ("1" * 21, False),
        ("+-+-+-+-", False),
    ],
)
def test_phone_shape(phone, ok):
    assert (("invalid_phone", "phone") not in errors(student(phone=phone))) == ok


def test_postcode_email_and_homepage_shapes():
    assert ("invalid_postcode", "postcode") in errors(student(postcode="03000"))
    assert ("invalid_email", "email") in errors(student(email="a@b"))
    assert check(student(email="wang@example.cn")) == []
    assert ("invalid_url", "homepage") in errors(student(homepage="not a url"))
    assert check(student(homepage="https://www.example.cn/wang")) == []


# ---------------------------------------------------------------- enrolment


def test_entry_month_may_not_be_after_this_month():
    assert ("entry_month_future", "entry_month") in errors(student(entry_month="202610"))
    assert check(student(entry_month="202609")) == []


def test_entry_mode_must_belong_to_the_stage():
    assert ("entry_mode_stage", "entry_mode") in errors(student(entry_mode="21"))
    senior = student(
        grade=10, entry_mode="11", birth_date=date(2010, 3, 2), id_number=make_id(born=date(2010, 3, 2))
    )
    assert ("entry_mode_stage", "entry_mode") in errors(senior)
    assert errors(senior | {"entry_mode": "21"}) == []


def test_grade_must_exist_at_the_school_type():
    [problem] = [v for v in check(student(grade=1), school_type="311") if v.code == "grade_not_offered"]
    assert problem.article == "第九条"
    assert problem.message == "初级中学只设初一至初三(第九条),没有一年级,请核对年级"
    assert check(student(grade=1), school_type="九年一贯制学校") == []


def test_commute_distance_may_not_be_negative():
    assert ("invalid_distance", "commute_distance") in errors(student(commute_distance=Decimal("-1")))
    assert check(student(commute_distance=Decimal("0"))) == []


# ---------------------------------------------------------------- 随班就读 and 残疾类型


@pytest.mark.parametrize(
    ("study", "disability"),
    [
        ("0", "0"),
        ("1", "1"),
        ("2", "2"),
        ("3", "5"),
        ("4", "3"),
        ("4", "4"),
        ("4", "6"),
        ("4", "7"),
        ("4", "9"),
    ],
)
def test_inclusive_study_agreeing_with_disability_passes(study, disability):
    assert check(student(inclusive_study=study, disability_type=disability)) == []


@pytest.mark.parametrize(
    ("study", "disability"),
    [("0", "1"), ("1", "0"), ("1", "2"), ("3", "3"), ("4", "1"), ("4", "5"), ("2", "4")],
)
def test_inclusive_study_disagreeing_with_disability_is_refused(study, disability):
    found = errors(student(inclusive_study=study, disability_type=disability))
    assert found == [("inclusive_disability_mismatch", "inclusive_study")]


def test_special_school_student_with_disability_may_be_non_inclusive():
    data = student(inclusive_study="0", disability_type="1")
    assert check(data, school_type="盲人学校") == []
    assert check(data, school_type="特殊教育学校") == []
    assert errors(data, school_type="小学") == [("inclusive_disability_mismatch", "inclusive_study")]


# ---------------------------------------------------------------- family


def test_first_family_member_needs_name_relation_and_phone():
    found = errors(student(family=[]))
    assert {f for _code, f in found} == {"family[0].name", "family[0].relation", "family[0].phone"}
    assert all(code == "required" for code, _f in found)


def test_family_member_id_and_phone_are_checked():
    wrong_id = father()["id_number"][:-1] + ("0" if father()["id_number"][-1] != "0" else "1")
    [problem] = check(student(family=[father(id_number=wrong_id)]))
    assert (problem.code, problem.field) == ("id_check_digit", "family[0].id_number")
    assert problem.message.startswith("成员1身份证件号校验位错误")
    [warning] = check(student(family=[father(hukou_location="149999")]))
    assert (warning.code, warning.severity) == ("division_unknown", "warning")
    assert ("invalid_phone", "family[1].phone") in errors(student(family=[father(), father(phone="12")]))


def test_student_without_document_needs_an_identified_guardian():
    none = {"id_type": "Z", "id_number": None}
    assert check(student(**none)) == []
    for family in (
        [father(is_guardian=False)],
        [father(id_type="A")],
        [father(id_number="140105198506011310")],
    ):
        found = check(student(**none, family=family))
        assert "guardian_id_required" in [v.code for v in found]


# ---------------------------------------------------------------- normalize


def test_spreadsheet_row_by_labels_is_read_into_canonical_values():
    row = {
        "姓名": " 𠮷小明 ",
        "性别": "男",
        "出生日期": datetime(2019, 3, 2),
        "民族": 1.0,
        "国籍/地区": "中国",
        "年级": "初一",
        "入学年月": 202609.0,
        "邮政编码": 30006.0,
        "是否独生子女": "是",
        "是否孤儿": 0.0,
        "上下学距离": "2.5公里",
        "成员1姓名": "王建国",
        "成员1关系": "父亲",
        "成员1联系电话": 13835100002.0,
        "成员1是否监护人": "是",
        "成员2姓名": "",
        "成员2关系": None,
        "序号": 1,
    }
    data, found = normalize(row, keys="label")
    assert found == []
    assert data["name"] == "𠮷小明" and data["gender"] == "1" and data["birth_date"] == date(2019, 3, 2)
    assert data["ethnicity"] == "01" and data["nationality"] == "CHN" and data["grade"] == 7
    assert data["entry_month"] == "202609" and data["postcode"] == "030006"
    assert data["only_child"] is True and data["orphan"] is False
    assert data["commute_distance"] == Decimal("2.5")
    assert data["family"] == [
        {"name": "王建国", "relation": "51", "phone": "13835100002", "is_guardian": True}
    ]
    assert "序号" not in data


@pytest.mark.parametrize(
    "raw", ["2019-03-02", "20190302", "2019/3/2", "2019.3.2", "2019年3月2日", 20190302.0]
)
def test_date_forms(raw):
    assert normalize({"birth_date": raw})[0]["birth_date"] == date(2019, 3, 2)


@pytest.mark.parametrize(
    ("field", "raw", "code"),
    [
        ("birth_date", "2019-02-30", "invalid_date"),
        ("entry_month", "2026-13", "invalid_date"),
        ("ethnicity", "汉", "invalid_code"),
        ("only_child", "也许", "invalid_bool"),
        ("grade", "大一", "invalid_grade"),
        ("commute_distance", "很远", "invalid_number"),
        ("birthplace", "太原", "invalid_division"),
        ("id_number", 1.40105201903021e17, "id_excel_float"),
        ("id_number", "1.40105201903021E+17", "id_excel_float"),
        ("former_name", "名" * 51, "too_long"),
    ],
)
def test_unreadable_values_are_reported_per_field(field, raw, code):
    data, [problem] = normalize({field: raw})
    assert (problem.code, problem.field) == (code, field)
    if code != "too_long":
        assert data[field] is None


def test_invalid_code_message_names_the_field_and_an_example():
    _data, [problem] = normalize({"ethnicity": "汉"})
    assert problem.message == "民族「汉」不是有效的代码或名称,请填写代码或名称,如01或汉族"


def test_invalid_country_example_is_china():
    _data, [problem] = normalize({"nationality": "中华"})
    assert problem.message.endswith("如CHN或中国")


def test_full_width_phone_digits_become_ascii():
    assert normalize({"phone": "１３８３５１００００１"})[0]["phone"] == "13835100001"


def test_high_school_other_entry_mode_label_means_99():
    data, _ = normalize({"grade": "高一", "entry_mode": "其他"}, keys="name")
    assert data["entry_mode"] == "99"
    assert normalize({"grade": 3, "entry_mode": "其他"})[0]["entry_mode"] == "12"


def test_family_member_problems_carry_the_member_path():
    data, [problem] = normalize({"成员2关系": "邻居", "成员2姓名": "张三", "成员1姓名": ""}, keys="label")
    assert (problem.code, problem.field) == ("invalid_code", "family[1].relation")
    assert problem.message.startswith("成员2关系「邻居」")
    # The empty first block keeps its place, so the rule "first member required" still points at 成员1.
    assert data["family"][0] == {"name": None}
    found = [(v.code, v.field) for v in validate_student(data | student_core(), today=TODAY)]
    assert ("required", "family[0].name") in found


def student_core():
    data = student()
    del data["family"]
    return data


def test_normalize_is_idempotent_on_canonical_data():
    data, found = normalize(student())
    assert found == [] and data == student()


def test_validate_reads_api_strings_too():
    api = student(birth_date="2019-03-02", only_child="1", commute_distance="1.5", grade="1")
    assert check(api) == []


def test_clean_student_reports_a_spreadsheet_id_once():
    row = student(id_number=1.40105201903021e17)
    _data, found = clean_student(row, today=TODAY)
    assert [(v.code, v.field) for v in found] == [("id_excel_float", "id_number")]
    assert "文本格式" in found[0].message


def test_keys_must_be_name_or_label():
    with pytest.raises(ValueError):
        normalize({}, keys="column")


# ---------------------------------------------------------------- controlled fields (第十五条)


@pytest.mark.parametrize(
    "key", ["name", "gender", "birth_date", "id_type", "id_number", "姓名", "身份证件号"]
)
def test_patch_of_a_controlled_field_is_refused(key):
    [problem] = validate_patch({key: "x"})
    assert problem.code == "controlled_field" and problem.article == "第十五条"


def test_patch_message_reads_as_the_spec():
    [problem] = validate_patch({"name": "王大明"})
    assert problem.message == "姓名属于受控信息,须通过学籍信息变更申请办理(第十五条)"
    assert problem.field == "name"


def test_patch_of_ordinary_fields_is_allowed():
    assert validate_patch({"phone": "13835100009", "current_address": "迎泽区", "family": []}) == []
