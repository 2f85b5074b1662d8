"""督办: overdue steps per county and city, `xueji remind` and the reminders, expired suspensions, and the
term-end dropout list; each on a page and an endpoint, each refused to outsiders."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from tests import factories as f
from tests.changes_ui.conftest import TODAY, proof, suspend, walk
from tests.web.conftest import text
from xueji.applications import services
from xueji.applications.models import Step
from xueji.audit.models import AuditEvent
from xueji.notices.models import Reminder
from xueji.policy.terms import school_year_of

pytestmark = pytest.mark.django_db


def overdue(application, days: int = 3) -> Step:
    """Make the application's current step `days` days past due."""
    step = application.steps.get(status=Step.Status.PENDING)
    step.due_date = TODAY - datetime.timedelta(days=days)
    step.save(update_fields=["due_date"])
    return step


def death(world, student, registrar=None):
    return services.submit(registrar or world.registrar_a, "death", student, {"known_on": TODAY.isoformat()},
                           evidence=[proof("death_proof")])


@pytest.fixture
def late(people, pupil, senior, make_student):
    """A 小店区 application late at the school leader, one of 迎泽区 late at the county, and a city-run high
    school's application late at its leader."""
    from tests.changes_ui.conftest import enrol

    a = death(people, pupil)
    overdue(a, 5)
    b_student = enrol(make_student(school=people.school_b, name="迎泽生"))
    b = death(people, b_student, people.registrar_b)
    services.approve(f.user("lead_b", "leader", school=people.school_b), b.pk)
    overdue(b, 2)
    h = death(people, senior, people.registrar_high)
    overdue(h, 1)
    return a, b, h


# ------------------------------------------------------------------ overdue steps


def test_county_sees_its_overdue_steps_grouped_with_days(people, client_for, late):
    a, b, h = late
    assert client_for(people.county_xd).get("/oversight/")["Location"] == "/oversight/overdue-steps/"
    response = client_for(people.county_xd).get("/oversight/overdue-steps/")
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [g.key for g in groups] == ["140105"]
    row = groups[0].schools[people.school_a.pk]["rows"][0]
    assert row["application"].pk == a.pk and row["days_overdue"] == 5 and row["step"].role == "leader"
    assert "5天" in text(response)
    assert AuditEvent.objects.filter(actor=people.county_xd, action="oversight.overdue_steps").exists()


def test_city_sees_every_county_and_its_own_schools_apart(people, api_for, late):
    a, b, h = late
    body = api_for(people.city_ty).get("/api/v1/oversight/overdue-steps").json()
    assert body["count"] == 3
    areas = {g["area"]: g for g in body["groups"]}
    assert set(areas) == {"140105", "140106", "140100-city"}
    assert areas["140100-city"]["area_name"] == "太原市市直管学校"
    late_b = next(r for r in body["results"] if r["application"] == b.pk)
    assert late_b["role"] == "county" and late_b["org"] == "140106" and late_b["days_overdue"] == 2


def test_another_county_and_another_city_see_nothing_of_it(people, api_for, client_for, late):
    assert api_for(people.county_yz).get("/api/v1/oversight/overdue-steps").json()["count"] == 1
    assert api_for(people.city_dt).get("/api/v1/oversight/overdue-steps").json()["count"] == 0
    assert 'data-testid="overdue-empty"' in text(client_for(people.city_dt).get("/oversight/overdue-steps/"))
    assert api_for(people.registrar_b).get("/api/v1/oversight/overdue-steps").json()["count"] == 1


def test_auditor_is_refused_the_oversight_lists(world, api_for, client_for):
    for path in ("overdue-steps", "expired-suspensions", "dropouts"):
        assert api_for(world.auditor).get(f"/api/v1/oversight/{path}").status_code == 403
        assert client_for(world.auditor).get(f"/oversight/{path}/").status_code == 403


# ------------------------------------------------------------------ reminders


def test_remind_creates_one_reminder_per_holder_and_step_a_day(people, late):
    a, b, h = late
    out = StringIO()
    call_command("remind", stdout=out)
    assert "新生成提醒3条" in out.getvalue()
    assert set(Reminder.objects.values_list("user__username", flat=True)) == {"lead_a", "yz", "lead_high"}
    reminder = Reminder.objects.get(user=people.leader_a)
    assert reminder.step.application_id == a.pk and "超期5天" in reminder.message
    call_command("remind", stdout=StringIO())
    assert Reminder.objects.count() == 3  # idempotent within a day
    assert AuditEvent.objects.filter(action="reminder.create").count() == 3
    call_command("remind", "--date", (TODAY + datetime.timedelta(days=1)).isoformat(), stdout=StringIO())
    assert Reminder.objects.count() == 6  # the next day reminds again


def test_reminders_endpoint_home_banner_and_reading(people, api_for, client_for, late):
    call_command("remind", stdout=StringIO())
    client = api_for(people.leader_a)
    body = client.get("/api/v1/reminders").json()
    assert body["unread"] == 1 and len(body["results"]) == 1
    assert AuditEvent.objects.filter(actor=people.leader_a, action="reminder.list").exists()
    home = text(client_for(people.leader_a).get("/"))
    assert "您有1条超期提醒" in home
    reminder_id = body["results"][0]["id"]
    assert api_for(people.registrar_a).post(f"/api/v1/reminders/{reminder_id}/read").status_code == 404
    assert client.post(f"/api/v1/reminders/{reminder_id}/read").json()["read_at"]
    assert client.get("/api/v1/reminders").json()["unread"] == 0
    assert "您有" not in text(client_for(people.leader_a).get("/"))


def test_a_decided_step_no_longer_counts(people, api_for, client_for, late):
    a, _b, _h = late
    call_command("remind", stdout=StringIO())
    services.approve(people.leader_a, a.pk)
    assert api_for(people.leader_a).get("/api/v1/reminders").json()["unread"] == 0
    page = client_for(people.leader_a).get("/reminders/")
    assert page.status_code == 200 and "超期5天" in text(page)  # the history stays readable


def test_reminders_page_marks_read(people, client_for, late):
    call_command("remind", stdout=StringIO())
    reminder = Reminder.objects.get(user=people.county_yz)
    client = client_for(people.county_yz)
    assert client.post(f"/reminders/{reminder.pk}/read/").status_code == 302
    reminder.refresh_from_db()
    assert reminder.read_at is not None
    assert client_for(people.county_xd).post(f"/reminders/{reminder.pk}/read/").status_code == 404


# ------------------------------------------------------------------ expired suspensions


def test_expired_suspension_of_a_pupil_offers_resumption_and_extension(world, client_for, api_for, pupil):
    suspend(world, pupil, start=TODAY - datetime.timedelta(days=400), days=360)
    response = client_for(world.registrar_a).get("/oversight/expired-suspensions/")
    assert response.status_code == 200
    body = text(response)
    assert pupil.name in body and "第二十四条" in body
    assert f"/students/{pupil.key}/changes/resumption/" in body and "auto_withdrawal" not in body
    rows = api_for(world.county_xd).get("/api/v1/oversight/expired-suspensions").json()
    assert [r["student"] for r in rows] == [pupil.key] and rows[0]["days_past"] == 40
    assert rows[0]["flags"][0]["code"] == "suspension_expired_unresumed"
    # The county sees the list but starts nothing: the school files (第三条).
    assert "/changes/resumption/" not in text(client_for(world.county_xd).get("/oversight/expired-suspensions/"))
    assert api_for(world.county_yz).get("/api/v1/oversight/expired-suspensions").json() == []
    assert api_for(world.registrar_b).get("/api/v1/oversight/expired-suspensions").json() == []


def test_a_running_suspension_or_a_filed_resumption_is_not_listed(world, api_for, pupil):
    suspend(world, pupil)
    assert api_for(world.registrar_a).get("/api/v1/oversight/expired-suspensions").json() == []


def test_expired_high_school_suspension_leads_to_automatic_withdrawal(people, client_for, api_for, senior):
    w = people
    suspend(w, senior, start=TODAY - datetime.timedelta(days=400), days=360, registrar=w.registrar_high,
            deciders=(w.leader_high, w.city_ty))
    rows = api_for(w.city_ty).get("/api/v1/oversight/expired-suspensions").json()
    assert rows[0]["flags"][0]["article"] == "第三十一条" and "auto_withdrawal" in rows[0]["next"]
    page = text(client_for(w.registrar_high).get("/oversight/expired-suspensions/"))
    link = f"/students/{senior.key}/changes/auto_withdrawal/?ground=suspension_expired"
    assert link in page
    form = client_for(w.registrar_high).get(link)
    assert form.context["values"]["ground"] == "suspension_expired"
    filed = client_for(w.registrar_high).post(f"/students/{senior.key}/changes/auto_withdrawal/", {
        "ground": "suspension_expired", "proof_family_contact_record": proof("x")[1]})
    assert filed.status_code == 302
    app = senior.applications.get(type="auto_withdrawal")
    walk(app, w.leader_high, w.county_xd, w.city_ty)
    senior.refresh_from_db()
    assert senior.status == "退学"


# ------------------------------------------------------------------ dropouts


def test_dropout_list_shows_when_and_to_whom_it_was_reported(world, client_for, api_for, pupil):
    app = services.submit(world.registrar_a, "dropout", pupil, {"reported_to": ["township", "county"]},
                          evidence=[proof("dropout_report")])
    walk(app, world.leader_a, world.county_xd)
    response = client_for(world.county_xd).get("/oversight/dropouts/")
    assert response.status_code == 200
    body = text(response)
    assert pupil.name in body and "当地乡镇人民政府、县级教育行政部门" in body and "第三十三条" in body
    data = api_for(world.registrar_a).get("/api/v1/oversight/dropouts").json()
    row = data["results"][0]
    assert data["count"] == 1 and row["student"] == pupil.key and row["reported_on"] == TODAY.isoformat()
    assert row["recorded_on"] == TODAY.isoformat() and row["authority"] == "小店区"
    assert row["kept_through"] >= TODAY.year - 1 + (9 - pupil.grade)
    assert AuditEvent.objects.filter(actor=world.registrar_a, action="oversight.dropouts").exists()
    assert api_for(world.county_yz).get("/api/v1/oversight/dropouts").json()["count"] == 0
    assert api_for(world.registrar_b).get("/api/v1/oversight/dropouts").json()["count"] == 0


def test_dropout_list_counts_this_terms_new_dropouts(world, api_for, pupil):
    from xueji.workdays.models import Term

    year = school_year_of(TODAY)
    Term.objects.create(school_year=year, number=1, starts_on=TODAY - datetime.timedelta(days=30),
                        ends_on=TODAY + datetime.timedelta(days=30))
    app = services.submit(world.registrar_a, "dropout", pupil, {"reported_to": ["township", "county"]},
                          evidence=[proof("dropout_report")])
    walk(app, world.leader_a, world.county_xd)
    data = api_for(world.county_xd).get("/api/v1/oversight/dropouts").json()
    assert data["this_term"] == 1 and data["term"].startswith(f"{year}–{year + 1}学年第一学期")
