"""Shared facts and helpers of the change rules: graduating grades, city areas, dates."""

import datetime as dt

import pytest

from xueji.policy.changes.common import (
    SchoolFacts,
    add_months,
    add_years,
    division_level,
    is_graduating_grade,
    is_urban_district,
    same_city_area,
    total_days,
    within_division,
)
from xueji.policy.province import SHANXI


@pytest.mark.parametrize(
    ("school_type", "grade", "graduating"),
    [
        ("小学", 6, True),
        ("小学", 5, False),
        ("九年一贯制学校", 6, False),  # its pupils go on to 初一 in the same school
        ("九年一贯制学校", 9, True),
        ("十二年一贯制学校", 6, False),
        ("完全中学", 9, True),  # 初中毕业 and the 中考 even where 高一 is next door
        ("完全中学", 12, True),
        ("高级中学", 11, False),
    ],
)
def test_graduating_grades(school_type, grade, graduating):
    assert is_graduating_grade(grade, SchoolFacts("x", school_type)) is graduating


def test_school_kinds():
    assert SchoolFacts("x", "聋人学校").is_special and SchoolFacts("x", special_education=True).is_special
    assert SchoolFacts("x", "工读学校").is_work_study and not SchoolFacts("x", "工读学校").is_ordinary
    assert SchoolFacts("x", vocational=True).grades() == range(10, 13)
    assert SchoolFacts("x", "小学", county_code="140105").province_code == "140000"
    assert not SchoolFacts("x", "").teaches(3)


def test_urban_districts_and_city_areas():
    assert is_urban_district("140105") and is_urban_district("140302")  # 小店区, 阳泉 城区
    assert not is_urban_district("140121") and not is_urban_district("140181")  # 清徐县, 古交市
    assert not is_urban_district("140100") and not is_urban_district("520203")  # a city; 六枝特区
    assert same_city_area("140105", "140106")
    assert not same_city_area("140105", "140121") and not same_city_area("140105", "140212")


def test_division_levels_and_containment():
    assert [division_level(c) for c in ("140000", "140100", "140105")] == ["province", "city", "county"]
    assert within_division("140105", "140000") and within_division("140105", "140100")
    assert within_division("140105", "140105") and not within_division("140105", "140106")


def test_dates():
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    periods = [(dt.date(2026, 1, 1), dt.date(2026, 1, 11)), (dt.date(2026, 1, 6), dt.date(2026, 1, 16))]
    assert total_days(periods) == 15


def test_new_policy_numbers_have_shanxi_defaults():
    assert SHANXI.graduating_grades == frozenset({6, 9, 12}) and SHANXI.through_train_grades == frozenset({6})
    assert SHANXI.suspension_hours_share == (1, 3) and SHANXI.visiting_abroad_min_months == 12
    assert SHANXI.illness_withdrawal_suspension_years == 2
    assert hash(SHANXI)
