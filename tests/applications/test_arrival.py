"""第十二条 through the engine: delay, compulsory no-show → dropout → return, high-school cancellation."""

import datetime

import pytest

from xueji.applications import services
from xueji.core.errors import RuleViolation
from xueji.policy.terms import school_year_of
from xueji.workdays.models import Term

TODAY = datetime.date.today()
SCHOOL_YEAR = school_year_of(TODAY)


def term_starting(start: datetime.date) -> Term:
    return Term.objects.create(school_year=SCHOOL_YEAR, number=1, starts_on=start,
                               ends_on=start + datetime.timedelta(days=140))


def newcomer(make_student, **kw):
    return make_student(entry_month=f"{SCHOOL_YEAR}09", **kw)


def walk(world, app, authority=None):
    services.approve(world.leader_a if app.school_id == world.school_a.pk else world.leader_high, app.pk)
    if authority:
        services.approve(authority, app.pk)


def test_delay_in_the_week_before_term_for_two_weeks_is_approved_by_the_school(world, make_student, scan):
    start = TODAY + datetime.timedelta(days=3)
    term_starting(start)
    student = newcomer(make_student)
    until = start + datetime.timedelta(days=14)
    app = services.submit(world.registrar_a, "entry_delay", student, {"until": until.isoformat()}, evidence=[scan()])
    services.approve(world.leader_a, app.pk)
    assert student.events.filter(kind="延期入学").exists()


def test_delay_beyond_two_weeks_is_refused_with_article_12(world, make_student, scan):
    start = TODAY + datetime.timedelta(days=3)
    term_starting(start)
    with pytest.raises(RuleViolation) as caught:
        services.submit(world.registrar_a, "entry_delay", newcomer(make_student),
                        {"until": (start + datetime.timedelta(days=15)).isoformat()}, evidence=[scan()])
    assert caught.value.violations[0].article == "第十二条" and "休学" in caught.value.violations[0].message


def test_without_term_dates_the_rule_says_what_is_missing(world, make_student, scan):
    with pytest.raises(RuleViolation) as caught:
        services.submit(world.registrar_a, "no_show_dropout", newcomer(make_student))
    assert caught.value.violations[0].code == "term_not_set"


def test_primary_no_show_becomes_dropout_and_is_completed_on_return(world, make_student):
    term_starting(TODAY - datetime.timedelta(days=10))
    student = newcomer(make_student)
    app = services.submit(world.registrar_a, "no_show_dropout", student)
    services.approve(world.leader_a, app.pk)
    services.approve(world.county_xd, app.pk)
    student.refresh_from_db()
    assert student.status == "辍学" and student.student_number is None
    back = services.submit(world.registrar_a, "dropout_return", student)
    services.approve(world.leader_a, back.pk)
    services.approve(world.county_xd, back.pk)
    student.refresh_from_db()
    assert student.status == "在籍" and student.student_number == "G" + student.id_number


def test_no_show_before_term_start_is_refused(world, make_student):
    term_starting(TODAY + datetime.timedelta(days=2))
    with pytest.raises(RuleViolation) as caught:
        services.submit(world.registrar_a, "no_show_dropout", newcomer(make_student))
    assert caught.value.violations[0].code == "not_yet_no_show"


@pytest.fixture
def high_people(world):
    from tests import factories as f

    world.leader_high = f.user("lead_high", "leader", school=world.high)
    return world


def test_high_school_no_show_past_ten_working_days_is_cancelled_by_the_city(high_people, make_student):
    world = high_people
    term_starting(TODAY - datetime.timedelta(days=30))
    student = newcomer(make_student, school=world.high, grade=10, entry_mode="21")
    app = services.submit(world.registrar_high, "admission_cancel", student, {"ground": "no_show"})
    assert app.steps.get(order=2).role == "city"
    services.approve(world.leader_high, app.pk)
    services.approve(world.city_ty, app.pk)
    student.refresh_from_db()
    assert student.status == "注销"


def test_high_school_no_show_within_ten_working_days_is_refused(high_people, make_student):
    world = high_people
    term_starting(TODAY - datetime.timedelta(days=2))
    student = newcomer(make_student, school=world.high, grade=10, entry_mode="21")
    with pytest.raises(RuleViolation) as caught:
        services.submit(world.registrar_high, "admission_cancel", student, {"ground": "no_show"})
    assert caught.value.violations[0].code == "within_report_period"


def test_compulsory_newcomer_cannot_have_admission_cancelled(world, make_student):
    term_starting(TODAY - datetime.timedelta(days=30))
    with pytest.raises(RuleViolation) as caught:
        services.submit(world.registrar_a, "admission_cancel", newcomer(make_student), {"ground": "no_show"})
    assert caught.value.violations[0].code == "compulsory_not_cancelled"
