"""GET/POST /api/v1/students/{key}/discipline, the revoke endpoint and the student page's discipline section."""

import datetime

import pytest

from xueji.archive.models import Discipline
from xueji.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today().isoformat()


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_record_and_list(world, pupil, api_for):
    url = f"/api/v1/students/{pupil.student_number}/discipline"
    created = post(api_for(world.registrar_a), url, {"level": "记过", "reason": "打架", "decided_on": TODAY})
    assert created.status_code == 201 and created.json()["in_archive"] is True and created.json()["in_force"]
    listed = api_for(world.county_xd).get(url)
    assert listed.status_code == 200 and [d["level"] for d in listed.json()] == ["记过"]
    assert AuditEvent.objects.filter(action="student.discipline", actor=world.county_xd).exists()


def test_refusals(world, pupil, api_for):
    url = f"/api/v1/students/{pupil.student_number}/discipline"
    body = {"level": "留校察看", "reason": "屡教不改", "decided_on": TODAY}
    response = post(api_for(world.registrar_a), url, body)
    assert response.status_code == 422 and response.json()["errors"][0]["article"] == "第四十条"
    assert post(api_for(world.leader_a), url, {**body, "level": "警告"}).status_code == 403
    assert post(api_for(world.registrar_b), url, {**body, "level": "警告"}).status_code == 404
    assert api_for(world.county_yz).get(url).status_code == 404
    assert api_for(world.auditor).get(url).status_code == 404
    assert post(api_for(world.registrar_a), url, {"level": "警告"}).status_code == 400
    assert not Discipline.objects.exists()


def test_revoke(world, pupil, api_for):
    url = f"/api/v1/students/{pupil.student_number}/discipline"
    item = post(api_for(world.registrar_a), url, {"level": "警告", "reason": "旷课", "decided_on": TODAY}).json()
    assert post(api_for(world.county_yz), f"/api/v1/discipline/{item['id']}/revoke", {"reason": "撤销"}).status_code == 404
    done = post(api_for(world.registrar_a), f"/api/v1/discipline/{item['id']}/revoke", {"reason": "表现良好"})
    assert done.status_code == 200 and done.json()["revoked_on"] == TODAY and not done.json()["in_force"]
    again = post(api_for(world.registrar_a), f"/api/v1/discipline/{item['id']}/revoke", {"reason": "表现良好"})
    assert again.status_code == 409


def test_the_student_page_section(world, pupil, client_for):
    client = client_for(world.registrar_a)
    page = client.get(f"/students/{pupil.student_number}/archive/").content.decode()
    assert 'data-testid="discipline-section"' in page and 'data-testid="discipline-form"' in page
    response = client.post(f"/students/{pupil.student_number}/discipline/",
                           {"level": "严重警告", "reason": "损坏公物", "decided_on": TODAY})
    assert response.status_code == 302
    item = Discipline.objects.get()
    assert item.level == "严重警告"
    assert "损坏公物" in client.get(f"/students/{pupil.student_number}/archive/").content.decode()
    county = client_for(world.county_xd).get(f"/students/{pupil.student_number}/archive/").content.decode()
    assert "损坏公物" in county and 'data-testid="discipline-form"' not in county
    assert client_for(world.registrar_b).post(f"/students/{pupil.student_number}/discipline/",
                                              {"level": "警告", "reason": "x"}).status_code == 404
    assert client_for(world.leader_a).post(f"/students/{pupil.student_number}/discipline/",
                                           {"level": "警告", "reason": "旷课"}).status_code == 403
    assert client_for(world.county_yz).post(f"/discipline/{item.pk}/revoke/", {"reason": "撤销"}).status_code == 404
    assert client.post(f"/discipline/{item.pk}/revoke/", {"reason": "表现良好"}).status_code == 302
    item.refresh_from_db()
    assert item.revoked_by == world.registrar_a
