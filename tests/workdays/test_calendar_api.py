"""/api/v1/calendar: everyone reads deadlines; only the province edits days and terms."""

import pytest

from xueji.audit.models import AuditEvent
from xueji.workdays import services


@pytest.fixture(autouse=True)
def fresh_cache(db):
    services.clear_cache()
    yield
    services.clear_cache()


def test_due_date_endpoint_skips_national_day(world, api_for):
    body = api_for(world.registrar_a).get("/api/v1/calendar/due-date?start=2026-09-29&working_days=10").json()
    assert body["due_date"] == "2026-10-19" and body["fallback_years"] == []


def test_year_without_data_is_flagged(world, api_for):
    body = api_for(world.county_xd).get("/api/v1/calendar/years/2031").json()
    assert body["has_data"] is False
    body = api_for(world.county_xd).get("/api/v1/calendar/years/2026").json()
    assert body["has_data"] is True and any(d["date"] == "2026-10-10" and d["is_workday"] for d in body["days"])


def test_province_sets_a_day_and_a_term_others_get_403(world, api_for):
    province = api_for(world.province_officer)
    r = province.put("/api/v1/calendar/days", {"date": "2031-01-01", "is_workday": False, "name": "元旦"},
                     content_type="application/json")
    assert r.status_code == 200
    assert AuditEvent.objects.filter(action="calendar.set_day", object_id="2031-01-01").exists()
    r = province.put("/api/v1/calendar/terms", {"school_year": 2026, "number": 1, "starts_on": "2026-09-01",
                                                 "ends_on": "2027-01-20"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["label"].startswith("2026–2027")
    for outsider in (world.city_ty, world.county_xd, world.registrar_a):
        r = api_for(outsider).put("/api/v1/calendar/days", {"date": "2031-01-02", "is_workday": False},
                                  content_type="application/json")
        assert r.status_code == 403 and r.json()["errors"][0]["message"]


def test_term_with_end_before_start_is_422(world, api_for):
    r = api_for(world.province_officer).put(
        "/api/v1/calendar/terms", {"school_year": 2026, "number": 1, "starts_on": "2026-09-01",
                                   "ends_on": "2026-08-01"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "ends_on"


def test_anonymous_gets_401(db):
    from django.test import Client

    assert Client().get("/api/v1/calendar/terms").status_code == 401
