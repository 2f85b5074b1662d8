"""Numbers typed into page URLs and forms: a superscript digit, a number past BIGINT or a page far beyond the
last is answered like any other wrong value (the first page, 404, the form again), never with a 500."""

import pytest

HUGE = "99999999999999999999"
ODD = (HUGE, "³", "①", "-1", "0", "1e9", "9" * 5000)


def _lists(world):
    return [
        (world.registrar_a, "/students/?q=王"),
        (world.registrar_a, "/applications/"),
        (world.county_xd, "/applications/inbox/"),
        (world.province_officer, "/accounts/"),
        (world.auditor, "/audit/"),
        (world.registrar_a, "/reminders/"),
        (world.registrar_a, "/placement/"),
        (world.county_xd, "/transfers/handovers/"),
        (world.registrar_a, "/former-students/"),
        (world.registrar_a, "/visiting/"),
    ]


@pytest.mark.parametrize("value", ODD)
def test_a_list_page_never_fails_on_its_page_number(world, client_for, value):
    for user, path in _lists(world):
        joiner = "&" if "?" in path else "?"
        r = client_for(user).get(f"{path}{joiner}page={value}")
        assert r.status_code == 200, (path, value, r.status_code)


@pytest.mark.parametrize("value", ODD)
def test_a_student_key_that_is_no_number_is_404(world, client_for, make_student, value):
    make_student()
    assert client_for(world.registrar_a).get(f"/students/{value}/").status_code == 404


def test_calendar_page_with_an_odd_year_shows_this_year(world, client_for):
    for value in ("³", HUGE, "1999", "2101"):
        assert client_for(world.county_xd).get(f"/calendar/?year={value}").status_code == 200


def test_term_form_refuses_a_school_year_outside_the_calendar(world, client_for):
    r = client_for(world.province_officer).post("/calendar/term/", {
        "school_year": "³", "number": "1", "starts_on": "2026-09-01", "ends_on": "2027-01-20"})
    assert r.status_code == 422 and "2000–2100" in r.content.decode()
    r = client_for(world.province_officer).post("/calendar/day/", {"date": "0001-01-01", "is_workday": "0"})
    assert r.status_code == 422 and "2000年至2100年" in r.content.decode()


def test_student_search_with_an_odd_class_or_grade_is_no_error(world, client_for):
    for value in ("³", HUGE):
        r = client_for(world.registrar_a).get(f"/students/?q=王&grade={value}&class={value}")
        assert r.status_code == 200


def test_a_seat_number_of_superscript_digits_sorts_as_text():
    from types import SimpleNamespace

    from xueji.forms.selectors import _seat_order

    odd = SimpleNamespace(seat_number="³", name="甲", pk=1)
    plain = SimpleNamespace(seat_number="2", name="乙", pk=2)
    assert sorted([odd, plain], key=_seat_order) == [plain, odd]


def test_registering_a_class_given_by_an_odd_id_registers_nobody_and_fails_nothing(world, client_for):
    r = client_for(world.registrar_a).post(f"/schools/{world.school_a.code}/register-all/", {"class": "³"})
    assert r.status_code in (200, 302)
