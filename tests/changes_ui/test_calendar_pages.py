"""工作日历 pages: everyone reads a year's holidays and make-up days; only the province enters days and terms."""

import datetime

import pytest

from tests.web.conftest import text
from xueji.audit.models import AuditEvent
from xueji.workdays.models import CalendarDay, Term
from xueji.workdays.services import add_working_days, clear_cache

pytestmark = pytest.mark.django_db
FALLBACK = "按周一至周五计算(当年节假日安排未录入)"


def test_province_sees_a_seeded_year_with_national_day_and_its_make_up_day(world, client_for):
    response = client_for(world.province_officer).get("/calendar/?year=2025")
    assert response.status_code == 200 and response.context["has_data"]
    body = text(response)
    assert 'data-date="2025-10-01"' in body and "国庆节" in body
    assert 'data-date="2025-09-28"' in body and "调休上班" in body  # the Sunday worked for National Day
    assert 'data-testid="day-form"' in body and 'data-testid="term-form"' in body
    nav = [i["label"] for i in response.context["nav_items"]]
    assert "工作日历" in nav


def test_a_year_without_data_says_monday_to_friday(world, client_for):
    body = text(client_for(world.county_xd).get("/calendar/?year=2099"))
    assert FALLBACK in body


def test_province_enters_next_years_holiday_and_deadlines_follow(world, client_for):
    start = datetime.date(2099, 9, 30)  # a Wednesday
    assert add_working_days(start, 1) == datetime.date(2099, 10, 1)
    response = client_for(world.province_officer).post("/calendar/day/", {
        "date": "2099-10-01", "is_workday": "0", "name": "国庆节", "year": "2099"})
    assert response.status_code == 302 and response["Location"] == "/calendar/?year=2099"
    row = CalendarDay.objects.get(date=datetime.date(2099, 10, 1))
    assert not row.is_workday and row.name == "国庆节" and row.updated_by == world.province_officer
    clear_cache()
    assert add_working_days(start, 1) == datetime.date(2099, 10, 2)
    assert AuditEvent.objects.filter(actor=world.province_officer, action="calendar.set_day").exists()
    page = text(client_for(world.province_officer).get("/calendar/?year=2099"))
    assert 'data-date="2099-10-01"' in page and FALLBACK not in page


def test_province_edits_a_day_into_a_make_up_working_day(world, client_for):
    client = client_for(world.province_officer)
    client.post("/calendar/day/", {"date": "2099-10-10", "is_workday": "0", "name": "国庆节"})
    client.post("/calendar/day/", {"date": "2099-10-10", "is_workday": "1", "name": "国庆节调休上班"})
    row = CalendarDay.objects.get(date=datetime.date(2099, 10, 10))
    assert row.is_workday and row.name == "国庆节调休上班"


def test_bad_day_input_is_refused_with_a_message(world, client_for):
    response = client_for(world.province_officer).post("/calendar/day/", {"date": "2099-13-01", "is_workday": "0"})
    assert response.status_code == 400 and "YYYY-MM-DD" in text(response)
    response = client_for(world.province_officer).post("/calendar/day/", {"date": "2099-10-01"})
    assert response.status_code == 422 and response.context["errors"]["is_workday"]
    assert not CalendarDay.objects.filter(date__year=2099).exists()


def test_province_sets_a_term_and_a_backwards_term_is_refused(world, client_for):
    client = client_for(world.province_officer)
    response = client.post("/calendar/term/", {"school_year": "2099", "number": "1", "starts_on": "2099-09-01",
                                               "ends_on": "2100-01-20", "year": "2099"})
    assert response.status_code == 302
    term = Term.objects.get(school_year=2099, number=1)
    assert term.starts_on == datetime.date(2099, 9, 1) and term.set_by == world.province_officer
    assert "2099–2100学年第一学期" in text(client.get("/calendar/?year=2099"))
    refused = client.post("/calendar/term/", {"school_year": "2099", "number": "2", "starts_on": "2100-03-01",
                                              "ends_on": "2100-02-01"})
    assert refused.status_code == 422 and "学期结束日期须晚于开学日期" in text(refused)
    assert not Term.objects.filter(school_year=2099, number=2).exists()


@pytest.mark.parametrize("who", ["county_xd", "city_ty", "registrar_a", "auditor"])
def test_only_the_province_edits(world, client_for, who):
    client = client_for(getattr(world, who))
    page = client.get("/calendar/?year=2099")
    assert page.status_code == 200 and 'data-testid="day-form"' not in text(page)
    assert "工作日历" not in [i["label"] for i in page.context["nav_items"]]
    assert client.post("/calendar/day/", {"date": "2099-10-01", "is_workday": "0"}).status_code == 403
    assert client.post("/calendar/term/", {"school_year": "2099", "number": "1", "starts_on": "2099-09-01",
                                           "ends_on": "2100-01-20"}).status_code == 403
    assert not CalendarDay.objects.filter(date__year=2099).exists() and not Term.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get("/calendar/").status_code == 302
