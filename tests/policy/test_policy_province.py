"""Shanxi's numbers: class caps (第十三条), school types and grades (第九条), authorities (第三条)."""

from datetime import date

import pytest

from xueji.policy.province import (
    SHANXI,
    authority_level,
    check_class_size,
    class_caps,
    get_policy,
    grades_for,
    is_compulsory,
    stage_of_grade,
)


def test_stages_by_grade():
    assert [stage_of_grade(g) for g in (1, 6, 7, 9, 10, 12)] == [
        "primary",
        "primary",
        "junior",
        "junior",
        "senior",
        "senior",
    ]
    assert is_compulsory(9) and not is_compulsory(10)
    for bad in (0, 13):
        with pytest.raises(ValueError):
            stage_of_grade(bad)


def test_caps_per_stage():
    assert class_caps(1) == (45, 50)
    assert class_caps(8) == (50, 55)
    # 第十三条 "普通高中高一年级班容量限定在50人以内,三年内不超过56人": 50 is 高一's only limit, 56 the later years'.
    assert class_caps(10) == (50, 50)
    assert class_caps(11) == (56, 56)
    assert class_caps(12) == (56, 56)


@pytest.mark.parametrize(
    ("grade", "normal", "hard", "stage"),
    [(3, 45, 50, "小学"), (8, 50, 55, "初中")],
)
def test_class_size_boundaries(grade, normal, hard, stage):
    # "原则上限定在…以内,最大不超过…": a written reason passes the first number, never the second.
    assert check_class_size(grade, normal) == []
    [needs] = check_class_size(grade, normal + 1)
    assert needs.code == "class_over_normal_cap_needs_reason" and needs.article == "第十三条"
    assert f"原则上不超过{normal}人(第十三条)" in needs.message
    assert check_class_size(grade, normal + 1, reason="随迁子女插班,经县教育局同意") == []
    assert check_class_size(grade, hard, reason="同上") == []
    [refused] = check_class_size(grade, hard + 1, reason="同上")
    assert refused.code == "class_over_hard_cap" and refused.article == "第十三条"
    assert refused.message.startswith(f"{stage}班额不得超过{hard}人(第十三条)")


def test_senior_grade_one_is_limited_to_50_and_no_reason_passes_it():
    # 第十三条 "高一年级班容量限定在50人以内": 限定 without 原则上, so a reason is no exception.
    assert check_class_size(10, 50) == []
    for reason in ("", "生源计划调整,经市教育局同意"):
        [refused] = check_class_size(10, 51, reason=reason)
        assert (refused.code, refused.article, refused.field) == ("class_over_hard_cap", "第十三条", "school_class")
        assert refused.message.startswith("普通高中高一年级班额不得超过50人(第十三条),该班将达51人")
        assert "没有例外" in refused.message


def test_primary_message_reads_as_the_regulation():
    [refused] = check_class_size(1, 51)
    assert refused.message.startswith("小学班额不得超过50人(第十三条)")


def test_blank_reason_does_not_count():
    assert check_class_size(1, 46, reason="   ")[0].code == "class_over_normal_cap_needs_reason"


@pytest.mark.parametrize("grade", [11, 12])
def test_senior_later_years_grow_to_56_without_reason_and_never_past_it(grade):
    # "三年内不超过56人": 高二、高三 have one limit, 56, with no exception.
    assert check_class_size(grade, 56) == []
    [refused] = check_class_size(grade, 57, reason="生源计划调整")
    assert (refused.code, refused.article) == ("class_over_hard_cap", "第十三条")
    assert refused.message.startswith("普通高中班额不得超过56人(第十三条)")


@pytest.mark.parametrize(
    ("school_type", "grades"),
    [
        ("小学", range(1, 7)),
        ("初级中学", range(7, 10)),
        ("初中", range(7, 10)),
        ("九年一贯制学校", range(1, 10)),
        ("完全中学", range(7, 13)),
        ("高级中学", range(10, 13)),
        ("十二年一贯制学校", range(1, 13)),
        ("特殊教育学校", range(1, 13)),
        ("512", range(1, 13)),
        ("工读学校", range(7, 13)),
    ],
)
def test_grades_of_each_school_type(school_type, grades):
    assert grades_for(school_type) == grades


def test_unknown_school_type_is_an_error():
    with pytest.raises(ValueError):
        grades_for("大学")


def test_authority_is_county_for_compulsory_and_city_for_high_school():
    assert authority_level("小学", grade=3, city_run=False) == "county"
    assert authority_level("完全中学", grade=8, city_run=False) == "county"
    assert authority_level("完全中学", grade=11, city_run=False) == "city"
    assert authority_level("高级中学", grade=10, city_run=False) == "city"
    # A city-run (直管) school answers to the city even for compulsory grades.
    assert authority_level("小学", grade=3, city_run=True) == "city"


def test_policy_lookup_and_numbers():
    assert get_policy() is SHANXI and get_policy("140000").name == "山西省"
    with pytest.raises(ValueError):
        get_policy("990000")
    assert SHANXI.registration_deadline_days == 15
    assert SHANXI.registration_due(date(2026, 9, 1)) == date(2026, 9, 16)
    assert SHANXI.controlled_fields == ("name", "gender", "birth_date", "id_type", "id_number", "grade")
    assert SHANXI.graduation_credits.total == 144
    assert hash(SHANXI)
