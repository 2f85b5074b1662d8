"""The sending school's 已转出学生 (第十八条 转出学校保留电子档案备份): the record as it stood when the student
left, for the school and its authority, through the API and the pages; never the new school's later data, never
for anyone else."""

import pytest

from tests.transfers.conftest import MOVE, proofs
from xueji.applications import services as engine
from xueji.audit.models import AuditEvent
from xueji.students.models import Enrolment
from xueji.students.services import update_student
from xueji.transfers import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def former(people, enrolled) -> Enrolment:
    """A 小店区 pupil transferred to 迎泽区; the new school has since changed his phone number."""
    w = people
    student = enrolled(phone="13835100001")
    app = services.start_transfer(w.registrar_b, student_number=student.student_number, name=student.name,
                                  id_number=student.id_number, payload={**MOVE, "to_grade": 3}, evidence=proofs())
    for actor in (w.leader_b, w.county_yz, w.leader_a, w.county_xd):
        engine.approve(actor, app.pk)
    student.refresh_from_db()
    update_student(w.registrar_b, student, {"phone": "13900000000"})
    return Enrolment.objects.get(student=student, school=w.school_a)


def test_the_school_and_its_authority_list_the_snapshot(people, former, api_for):
    w = people
    for reader in (w.registrar_a, w.leader_a, w.county_xd, w.city_ty):
        response = api_for(reader).get(f"/api/v1/schools/{w.school_a.pk}/former-students")
        assert response.status_code == 200
        row = response.json()["results"][0]
        assert (row["id"], row["name"], row["grade"]) == (former.pk, "王小明", 3)
        assert row["to_school_name"] == w.school_b.name
    assert AuditEvent.objects.filter(action="former_student.search", actor=w.county_xd).exists()


def test_the_detail_is_the_record_as_it_left_with_the_id_masked(people, former, api_for):
    w = people
    body = api_for(w.registrar_a).get(f"/api/v1/former-students/{former.pk}").json()
    assert body["record"]["phone"] == "13835100001"  # not the new school's 13900000000
    assert "*" in body["record"]["id_number"] and "*" in body["record"]["family"][0]["id_number"]
    assert AuditEvent.objects.filter(action="former_student.view", actor=w.registrar_a).exists()


def test_others_are_refused(people, former, api_for):
    w = people
    for outsider in (w.county_yz, w.county_pc, w.registrar_a2, w.auditor):
        assert api_for(outsider).get(f"/api/v1/former-students/{former.pk}").status_code == 404
        assert api_for(outsider).get(f"/api/v1/schools/{w.school_a.pk}/former-students").status_code == 404
    # The new school reads the record itself, not the old school's list.
    assert api_for(w.registrar_b).get(f"/api/v1/schools/{w.school_b.pk}/former-students").json()["count"] == 0
    assert AuditEvent.objects.filter(action="former_student.view", outcome="denied").exists()


def test_the_pages(people, former, client_for):
    w = people
    listing = client_for(w.registrar_a).get("/former-students/")
    assert listing.status_code == 200 and f"/former-students/{former.pk}/" in listing.content.decode()
    detail = client_for(w.county_xd).get(f"/former-students/{former.pk}/").content.decode()
    assert "13835100001" in detail  # the phone as it was when he left
    assert "13900000000" not in detail and "王小明" in detail
    assert client_for(w.county_yz).get(f"/former-students/{former.pk}/").status_code == 404
    assert client_for(w.county_yz).get(f"/former-students/?school={w.school_a.pk}").status_code == 404
    assert client_for(w.auditor).get("/former-students/").status_code == 403
    nav = client_for(w.registrar_a).get("/former-students/").content.decode()
    assert "已转出学生" in nav and "/transfers/" in nav
