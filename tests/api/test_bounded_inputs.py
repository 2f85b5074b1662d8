"""Every number a client types is bounded: out of range or not a number is a 400 naming the field and the
range, in the contract's body, never a 500 from the database or from int()."""

import time

import pytest

from tests.api.conftest import assert_error
from xueji.api.common import MAX_PAGE, MAX_PAGE_SIZE
from xueji.workdays import services as workdays

HUGE = "99999999999999999999"  # past BIGINT on both databases


@pytest.fixture(autouse=True)
def fresh_calendar_cache(db):
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def _lists(world):
    # (reader, path) of every paged list of the API.
    return [
        (world.registrar_a, "/students"),
        (world.province_officer, "/auth/accounts"),
        (world.county_xd, "/applications"),
        (world.auditor, "/audit/events"),
        (world.county_xd, "/schools"),
        (world.registrar_a, "/placement/plans"),
        (world.county_xd, "/transfers/handovers"),
        (world.registrar_a, f"/schools/{world.school_a.code}/former-students"),
        (world.registrar_a, "/visiting"),
    ]


@pytest.mark.parametrize("value", [HUGE, str(MAX_PAGE + 1), "0", "-1", "³", "1.5", "abc"])
def test_every_paged_list_refuses_an_unusable_page_with_400(world, api, value):
    for user, path in _lists(world):
        body = assert_error(api(user).get(path, page=value), 400, field="page", code="malformed")
        message = body["errors"][0]["message"]
        assert "page" in message and ("整数" in message or str(MAX_PAGE) in message), (path, message)


def test_page_size_is_bounded_too(world, api):
    for user, path in _lists(world):
        body = assert_error(api(user).get(path, page_size=MAX_PAGE_SIZE + 1), 400, field="page_size")
        assert f"1–{MAX_PAGE_SIZE}" in body["errors"][0]["message"]


def test_the_last_allowed_page_answers_an_empty_page(world, api):
    for user, path in _lists(world):
        r = api(user).get(path, page=MAX_PAGE, page_size=MAX_PAGE_SIZE)
        assert r.status_code == 200, (path, r.content)
        assert r.json()["results"] == [] and r.json()["page"] == MAX_PAGE


def test_superscript_digit_is_no_student_key(world, api, make_student):
    make_student()
    r = api(world.registrar_a).get("/students/%C2%B3")  # "³" passes str.isdigit(), int() refuses it
    assert_error(r, 404)
    for key in ("①", "٣", "３", HUGE, "9" * 5000):
        assert api(world.registrar_a).get(f"/students/{key}").status_code == 404, key


@pytest.mark.parametrize("path", ["/applications/{}", "/placement/plans/{}", "/visiting/{}", "/imports/{}",
                                  "/duplicates/{}", "/former-students/{}", "/applications/{}/evidence/1"])
def test_path_ids_are_bounded(world, api, path):
    client = api(world.county_xd)
    for value in (HUGE, "%C2%B3", "0"):
        assert_error(client.get(path.format(value)), 400, code="malformed")
    assert client.get(path.format("9223372036854775807")).status_code == 404


def test_a_form_of_an_unusable_application_id_is_404(world, api):
    # This path takes any text (an absent application and a malformed id look the same), but never fails.
    for value in (HUGE, "%C2%B3", "0", "9" * 5000):
        assert_error(api(world.county_xd).get(f"/applications/{value}/form.pdf"), 404)


def test_calendar_year_outside_the_registry_years_is_400(world, api):
    client = api(world.county_xd)
    for year in ("99999999999", "0", "1999", "2101"):
        body = assert_error(client.get(f"/calendar/years/{year}"), 400, field="year")
        assert "2000–2100" in body["errors"][0]["message"]
    assert client.get("/calendar/years/2100").status_code == 200


def test_due_date_working_days_are_bounded_and_answer_fast(world, api):
    client = api(world.registrar_a)
    started = time.monotonic()
    body = assert_error(client.get("/calendar/due-date", start="2026-09-01", working_days="1725487"), 400,
                        field="working_days")
    assert "0–366" in body["errors"][0]["message"]
    assert time.monotonic() - started < 2
    for start in ("9999-12-31", "0001-01-01"):
        assert_error(client.get("/calendar/due-date", start=start, working_days="5"), 400, field="start")
    r = client.get("/calendar/due-date", start="2026-09-01", working_days="366")
    assert r.status_code == 200 and r.json()["due_date"].startswith("2028-")


def test_calendar_edits_outside_the_registry_years_are_refused(world, api):
    province = api(world.province_officer)
    r = province.client.put("/api/v1/calendar/days", {"date": "0001-01-01", "is_workday": False},
                            content_type="application/json")
    assert_error(r, 400, field="date")
    r = province.client.put("/api/v1/calendar/terms", {"school_year": 99999, "number": 1, "starts_on": "2026-09-01",
                                                        "ends_on": "2027-01-20"}, content_type="application/json")
    assert_error(r, 400, field="school_year")


def test_set_day_service_refuses_a_date_outside_the_calendar(world):
    import datetime

    from xueji.core.errors import RuleViolation

    with pytest.raises(RuleViolation) as refused:
        workdays.set_day(world.province_officer, datetime.date(1, 1, 1), is_workday_=False)
    assert refused.value.violations[0].field == "date"


def test_working_days_between_far_dates_is_counted_not_walked(db):
    import datetime

    started = time.monotonic()
    far = workdays.working_days_between(datetime.date(1, 1, 1), datetime.date(9999, 12, 31))
    assert time.monotonic() - started < 1
    assert 2_600_000 < far < 2_610_000
    # Around National Day 2026 the calendar's holidays and make-up days count as before.
    assert workdays.working_days_between(datetime.date(2026, 9, 29), datetime.date(2026, 10, 19)) == 10
    assert workdays.working_days_between(datetime.date(2026, 10, 19), datetime.date(2026, 9, 29)) == -10
    start, end = datetime.date(2024, 1, 1), datetime.date(2028, 1, 1)  # the long path (one query)
    walked = sum(workdays.is_workday(start + datetime.timedelta(days=n)) for n in range(1, (end - start).days + 1))
    assert workdays.working_days_between(start, end) == walked


def test_malformed_json_is_400_in_chinese(world, api):
    r = api(world.county_xd).raw("post", "/applications/1/approve", "{not json")
    body = assert_error(r, 400)
    assert "JSON" in body["errors"][0]["message"] and "Cannot" not in body["detail"]


def test_validation_messages_name_the_field_and_the_range_in_chinese(world, api):
    r = api(world.county_xd).post("/applications/batch-approve", {"ids": [HUGE], "comment": "x" * 501})
    body = assert_error(r, 400)
    messages = {e["field"]: e["message"] for e in body["errors"]}
    assert "9223372036854775807" in messages["ids.0"] and "范围" in messages["ids.0"]
    assert "500" in messages["comment"] and "Input should" not in messages["comment"]


def test_openapi_documents_400_and_401_on_every_operation(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "400" in responses, (method, path)
            if operation.get("security"):
                assert "401" in responses, (method, path)
            assert responses["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
