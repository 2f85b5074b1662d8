"""开除学籍 (第四十条): an application of type `expulsion`, school → city, ending in 开除 with the measure in the
archive; refused at the start for the compulsory stage; a 开除 record counts as out of school."""

import datetime

import pytest

from tests import factories as f
from xueji.applications import services as applications
from xueji.applications.models import Application
from xueji.archive import services
from xueji.archive.models import Discipline
from xueji.core.errors import RuleViolation
from xueji.students.models import Student

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def leader_high(world):
    return f.user("lead_high", "leader", school=world.high)


def test_a_senior_expulsion_goes_school_then_city_and_ends_in_expelled(world, senior, leader_high, api_for):
    started = post(api_for(world.registrar_high), "/api/v1/applications",
                   {"type": "expulsion", "student": senior.key, "misconduct": "多次持械斗殴,屡教不改"})
    assert started.status_code == 201, started.content
    body = started.json()
    assert [(s["role"], s["org"]) for s in body["steps"]] == [("leader", world.high.pk), ("city", world.taiyuan.pk)]
    assert post(api_for(world.city_dt), f"/api/v1/applications/{body['id']}/approve", {}).status_code == 404
    applications.approve(leader_high, body["id"], comment="同意上报")
    senior.refresh_from_db()
    assert senior.status == "在籍"
    applications.approve(world.city_ty, body["id"], comment="批准开除学籍")
    senior.refresh_from_db()
    assert senior.status == "开除"
    measure = Discipline.objects.get(student=senior)
    assert measure.level == "开除学籍" and measure.in_archive and measure.recorded_by == world.registrar_high
    assert senior.enrolments.get().exit_reason == "开除学籍"
    assert senior.events.filter(kind="开除学籍", to_status="开除").exists()
    # Out of school: no further change is possible and the year's promotion and class counts leave him out.
    with pytest.raises(RuleViolation):
        applications.submit(world.registrar_high, "suspension", senior, {})
    assert not Student.objects.filter(pk=senior.pk, status__in=("在籍", "休学")).exists()


def test_a_compulsory_expulsion_is_refused_at_the_start(world, make_student, api_for):
    pupil = make_student(grade=8, school=world.school_a2)
    Student.objects.filter(pk=pupil.pk).update(status="在籍")
    answer = post(api_for(world.registrar_a2), "/api/v1/applications",
                  {"type": "expulsion", "student": pupil.key, "misconduct": "打架"})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["code"] == "expulsion_compulsory"
    assert answer.json()["errors"][0]["article"] == "第四十条"
    assert not Application.objects.exists()


def test_probation_on_a_junior_is_refused_with_article_40(world, make_student):
    pupil = make_student(grade=8, school=world.school_a2)
    Student.objects.filter(pk=pupil.pk).update(status="在籍")
    pupil.refresh_from_db()
    with pytest.raises(RuleViolation) as caught:
        services.record_discipline(world.registrar_a2, pupil, level="留校察看", reason="屡教不改", decided_on=TODAY)
    assert [(v.code, v.article) for v in caught.value.violations] == [("discipline_level_not_for_stage", "第四十条")]
    assert "初二" in caught.value.violations[0].message


def test_the_misconduct_is_required_and_outsiders_cannot_start_it(world, senior, api_for):
    empty = post(api_for(world.registrar_high), "/api/v1/applications", {"type": "expulsion", "student": senior.key})
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "misconduct"
    outsider = post(api_for(world.registrar_b), "/api/v1/applications",
                    {"type": "expulsion", "student": senior.key, "misconduct": "打架"})
    assert outsider.status_code == 404
    county = post(api_for(world.county_xd), "/api/v1/applications",
                  {"type": "expulsion", "student": senior.key, "misconduct": "打架"})
    assert county.status_code in (403, 404)
    assert not Application.objects.exists()


def test_the_student_page_starts_it_and_a_junior_is_not_offered_it(world, senior, make_student, client_for):
    client = client_for(world.registrar_high)
    assert "开除学籍" in client.get(f"/students/{senior.key}/changes/").content.decode()
    url = f"/students/{senior.key}/changes/expulsion/"
    assert "违纪事实" in client.get(url).content.decode()
    assert client.post(url, {"misconduct": "多次持械斗殴"}).status_code == 302
    assert Application.objects.get().payload["misconduct"] == "多次持械斗殴"
    pupil = make_student(grade=8, school=world.school_a2)
    Student.objects.filter(pk=pupil.pk).update(status="在籍")
    assert "开除学籍" not in client_for(world.registrar_a2).get(f"/students/{pupil.key}/changes/").content.decode()
