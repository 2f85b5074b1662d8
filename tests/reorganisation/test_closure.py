"""A school closes (第八条): the authority names who keeps its archive, the finished records go there, the pupils
still at school are listed for transfer; a closed school takes no one in (new record, import, transfer, class)."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from xueji.core.errors import RuleViolation
from xueji.orgs.models import School
from xueji.reorganisation import services
from xueji.students.models import Enrolment, StatusEvent, Student
from xueji.students.services import create_student

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_closure_hands_the_archive_to_the_named_school_and_lists_the_pupils_left(world, registered, api_for):
    w = world
    pupil = registered()
    leaver = registered(id_number=f.make_id(seq=21), grade=6)
    Student.objects.filter(pk=leaver.pk).update(status="毕业")
    url = f"/api/v1/schools/{w.school_a.pk}/close"
    both = post(api_for(w.county_xd), url, {"keeper_school": w.school_a2.pk, "keeper_authority": True,
                                            "decided_on": TODAY.isoformat()})
    assert both.status_code == 422 and both.json()["errors"][0]["article"] == "第八条"

    done = post(api_for(w.county_xd), url, {"keeper_school": w.school_a2.pk, "decided_on": TODAY.isoformat(),
                                            "document": "小教〔2026〕9号"})

    assert done.status_code == 201, done.content.decode()
    assert done.json()["counts"] == {"open_students": 1, "finished_students": 1, "archive_items": 0}
    school = School.objects.get(pk=w.school_a.pk)
    assert (school.closure, school.archive_school_id) == ("closed", w.school_a2.pk)
    assert Student.objects.get(pk=leaver.pk).school_id == w.school_a2.pk
    assert Student.objects.get(pk=pupil.pk).school_id == w.school_a.pk
    note = StatusEvent.objects.filter(student=pupil).order_by("-id").first().note
    assert "须转学" in note and "第八条" in note
    state = api_for(w.county_xd).get(f"/api/v1/schools/{w.school_a.pk}/reorganisation").json()
    assert [s["name"] for s in state["open_students"]] == [pupil.name] and "*" in state["open_students"][0]["student_number"]
    assert api_for(w.county_yz).get(f"/api/v1/schools/{w.school_a.pk}/reorganisation").status_code == 404
    assert api_for(w.registrar_b).get(f"/api/v1/schools/{w.school_a.pk}/reorganisation").status_code == 404


def test_closure_kept_by_the_authority(world, registered, api_for, client_for):
    w = world
    registered()
    done = post(api_for(w.county_xd), f"/api/v1/schools/{w.school_a.pk}/close",
                {"keeper_authority": True, "decided_on": TODAY.isoformat()})
    assert done.status_code == 201 and done.json()["keeper_division"] == w.xiaodian.pk
    page = client_for(w.county_xd).get(f"/schools/{w.school_a.pk}/reorganisation/").content.decode()
    assert 'data-testid="open-students"' in page and "小店区教育行政部门" in page
    assert post(api_for(w.registrar_a), f"/api/v1/schools/{w.school_a2.pk}/close",
                {"keeper_authority": True, "decided_on": TODAY.isoformat()}).status_code == 404


@pytest.fixture
def closed_a(world):
    services.close(world.county_xd, world.school_a.pk, keeper_authority=True, decided_on=TODAY)
    world.school_a.refresh_from_db()
    return world.school_a


def test_a_closed_school_takes_no_new_record(world, closed_a, api_for):
    with pytest.raises(RuleViolation) as refused:
        create_student(world.registrar_a, closed_a, f.student_payload())
    assert refused.value.violations[0].article == "第八条"
    response = post(api_for(world.registrar_a), "/api/v1/students", {**f.student_payload(), "school": closed_a.pk})
    assert response.status_code == 422 and response.json()["errors"][0]["article"] == "第八条"
    assert not Student.objects.exists()


def test_a_closed_school_takes_no_import_and_no_class(world, closed_a, api_for):
    sheet = SimpleUploadedFile("students.xlsx", b"PK\x03\x04 not really a sheet")
    response = api_for(world.registrar_a).post("/api/v1/imports", {"file": sheet, "school": closed_a.pk})
    assert response.status_code == 422 and response.json()["errors"][0]["article"] == "第八条"
    made = post(api_for(world.county_xd), f"/api/v1/schools/{closed_a.pk}/classes",
                {"grade": 1, "name": "9班", "entry_year": 2026})
    assert made.status_code == 422 and made.json()["errors"][0]["article"] == "第八条"


def test_a_closed_school_takes_no_transfer_in(world, make_student, api_for):
    from xueji.students import numbers

    w = world
    student = make_student(school=w.school_b, grade=3)
    Student.objects.filter(pk=student.pk).update(status="在籍")
    student.refresh_from_db()
    numbers.issue_number(student)
    student.refresh_from_db()
    services.close(w.county_xd, w.school_a.pk, keeper_authority=True, decided_on=TODAY)
    form = {"student_number": student.student_number, "name": student.name, "id_number": student.id_number,
            "transfer_reason": "work_move", "from_division": "140106", "to_division": "140105",
            "to_grade": "3", "reason": "家长工作调动",
            "evidence.transfer_form": SimpleUploadedFile("附件8.pdf", PDF),
            "evidence.work_change": SimpleUploadedFile("务工证明.pdf", PDF)}
    response = api_for(w.registrar_a).post("/api/v1/transfers", data=form)
    assert response.status_code == 422, response.content.decode()
    assert ("school_closed", "第八条") in {(e["code"], e["article"]) for e in response.json()["errors"]}
    assert Enrolment.objects.filter(school=w.school_a).count() == 0
