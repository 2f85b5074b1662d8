"""Deadlines count working days: statutory holidays skipped, make-up working weekends counted."""

import datetime

import pytest

from xueji.core.errors import Forbidden
from xueji.workdays import services


@pytest.fixture(autouse=True)
def fresh_cache(db):
    services.clear_cache()
    yield
    services.clear_cache()


def test_ten_working_days_skip_national_day_and_count_the_makeup_saturday():
    # 2026: 10-01..10-07 off (Thu–Wed, the weekdays are holidays), Saturday 10-10 is a make-up working day.
    due = services.add_working_days(datetime.date(2026, 9, 29), 10)
    # 9-30 (1), 10-08 (2), 10-09 (3), 10-10 Sat make-up (4), 10-12..16 (5–9), 10-19 (10)
    assert due == datetime.date(2026, 10, 19)
    assert services.is_workday(datetime.date(2026, 10, 10))
    assert not services.is_workday(datetime.date(2026, 10, 5))


def test_year_without_data_falls_back_to_monday_to_friday():
    assert not services.year_has_data(2031)
    assert services.fallback_years(datetime.date(2031, 1, 1)) == [2031]
    assert services.add_working_days(datetime.date(2031, 1, 3), 1) == datetime.date(2031, 1, 6)


def test_province_enters_next_years_schedule_and_others_cannot(world):
    services.set_day(world.province_officer, datetime.date(2031, 1, 1), is_workday_=False, name="元旦")
    assert services.year_has_data(2031) and not services.is_workday(datetime.date(2031, 1, 1))
    with pytest.raises(Forbidden):
        services.set_day(world.city_ty, datetime.date(2031, 1, 2), is_workday_=False)
