"""A school merges into another (第八条): every pupil, stay, class, archive item and pending application moves in
one transaction, each history says where and why, the merged school stays readable; the refusals."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from xueji.applications import services as applications
from xueji.applications.models import Application
from xueji.archive.item_services import file_item
from xueji.audit.models import AuditEvent
from xueji.orgs.models import School, SchoolClass
from xueji.reorganisation import services
from xueji.students.models import Enrolment, StatusEvent, Student

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def school_a_in_use(world, registered, make_student):
    """School A with two pupils in class 1班, a pupil awaiting registration, a graduate, an archive item."""
    pupils = [registered(grade=1, school_class=world.class_a1.pk, id_number=f.make_id(seq=n, birth=datetime.date(2019, 3, 2)),
                         birth=datetime.date(2019, 3, 2)) for n in (11, 12)]
    waiting = make_student(id_number=f.make_id(seq=13))
    application = applications.submit(world.registrar_a, "registration", waiting)
    graduate = registered(id_number=f.make_id(seq=14), grade=6)
    Student.objects.filter(pk=graduate.pk).update(status="毕业")
    Enrolment.objects.filter(student=graduate).update(ended_on=TODAY, exit_reason="毕业")
    item = file_item(world.registrar_a, pupils[0], kind="health", title="2026年体检", dated_on=TODAY,
                     upload=SimpleUploadedFile("体检.pdf", PDF))
    return {"pupils": pupils, "waiting": waiting, "application": application, "graduate": graduate, "item": item}


def test_a_merger_moves_every_pupil_with_histories_intact(world, school_a_in_use, api_for, client_for):
    w, used = world, school_a_in_use
    clash = f.school_class(w.school_b, grade=1, name="1班")  # B has a 1班 of the same year already
    students = Student.objects.filter(school=w.school_a)
    ids = list(students.values_list("pk", flat=True))
    events_before = StatusEvent.objects.count()
    enrolments_before = Enrolment.objects.count()

    response = post(api_for(w.city_ty), f"/api/v1/schools/{w.school_a.pk}/merge",
                    {"into": w.school_b.pk, "decided_on": TODAY.isoformat(), "document": "并校〔2026〕1号"})

    assert response.status_code == 201, response.content.decode()
    counts = response.json()["counts"]
    assert counts["students"] == len(ids) == 4 and counts["classes"] == 1 and counts["archive_items"] == 1
    assert counts["visiting_and_handovers"] == 0
    assert set(Student.objects.filter(pk__in=ids).values_list("school", flat=True)) == {w.school_b.pk}
    # Every stay open at A ended there and goes on at B; the graduate's earlier stay is untouched history.
    assert Enrolment.objects.count() == enrolments_before + 3
    for pupil in used["pupils"]:
        stays = list(Enrolment.objects.filter(student=pupil).order_by("id"))
        assert [(s.school_id, s.ended_on, s.exit_reason) for s in stays] == [
            (w.school_a.pk, TODAY, "学校合并"), (w.school_b.pk, None, "")]
        assert stays[1].school_class_id == w.class_a1.pk and stays[1].entry_reason == "学校合并转入"
    event = StatusEvent.objects.filter(student=used["pupils"][0]).order_by("-id").first()
    assert event.kind == "学校合并" and w.school_a.name in event.note and "第八条" in event.note
    assert event.changes == {"school_name": [w.school_a.name, w.school_b.name]}
    assert StatusEvent.objects.count() == events_before + 4
    # The class moved and took A's name since B already had a 1班 of that year.
    moved = SchoolClass.objects.get(pk=w.class_a1.pk)
    assert moved.school_id == w.school_b.pk and moved.name.startswith("1班(原") and clash.name == "1班"
    used["item"].refresh_from_db()
    assert used["item"].school_id == w.school_b.pk
    application = Application.objects.get(pk=used["application"].pk)
    assert application.school_id == w.school_b.pk and application.status == "pending"
    assert application.current_step.org_code == w.school_b.pk
    # A is closed, readable with its history, and its archive is kept by B.
    school = School.objects.get(pk=w.school_a.pk)
    assert (school.closed_on, school.closure, school.archive_school_id) == (TODAY, "merged", w.school_b.pk)
    page = client_for(w.city_ty).get(f"/schools/{w.school_a.pk}/").content.decode()
    assert 'data-testid="school-closed"' in page and w.school_b.name in page
    state = api_for(w.city_ty).get(f"/api/v1/schools/{w.school_b.pk}/reorganisation").json()
    assert state["absorbed"] == [w.school_a.pk] and state["records"][0]["kind"] == "merger"
    assert AuditEvent.objects.filter(action="school.merge", object_id=w.school_a.pk, actor=w.city_ty).exists()
    # B's registrar now keeps the moved records; the pupil's page tells the story.
    detail = client_for(w.registrar_b).get(f"/students/{used['pupils'][0].student_number}/").content.decode()
    assert "学校合并" in detail and w.school_a.name in detail


def test_merger_refusals(world, school_a_in_use, api_for):
    w = world
    url = f"/api/v1/schools/{w.school_a.pk}/merge"
    body = {"into": w.school_b.pk, "decided_on": TODAY.isoformat()}
    # 小店区 cannot see 迎泽区's school; a registrar records no merger; a stranger city sees neither school.
    assert post(api_for(w.county_xd), url, body).status_code == 404
    assert post(api_for(w.registrar_a), url, body).status_code == 403
    assert post(api_for(w.city_dt), url, body).status_code == 404
    # A junior school cannot take primary pupils.
    refused = post(api_for(w.county_xd), url, {**body, "into": w.school_a2.pk})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == "merge_grades" and refused.json()["errors"][0]["article"] == "第八条"
    future = post(api_for(w.city_ty), url, {**body, "decided_on": (TODAY + datetime.timedelta(days=3)).isoformat()})
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "decided_on"
    assert post(api_for(w.city_ty), url, {**body, "into": w.school_a.pk}).status_code == 422
    assert School.objects.get(pk=w.school_a.pk).closed_on is None
    assert set(Student.objects.values_list("school", flat=True)) == {w.school_a.pk}
    # Merged once, not twice.
    assert post(api_for(w.city_ty), url, body).status_code == 201
    again = post(api_for(w.city_ty), url, body)
    assert again.status_code == 422 and again.json()["errors"][0]["article"] == "第八条"


def test_a_county_cannot_merge_a_school_whose_high_school_the_city_manages(world):
    w = world
    complete = f.school("1114010599", "太原市小店区完全中学", "341", w.xiaodian)
    from xueji.core.errors import Forbidden

    with pytest.raises(Forbidden, match="第三条"):
        services.merge(w.county_xd, complete.pk, into=w.school_a2.pk, decided_on=TODAY)


def test_the_merger_page(world, school_a_in_use, client_for):
    w = world
    client = client_for(w.county_xd)
    page = client.get(f"/schools/{w.school_a.pk}/reorganisation/").content.decode()
    assert 'data-testid="merge-form"' in page and 'data-testid="close-form"' in page
    refused = client.post(f"/schools/{w.school_a.pk}/reorganisation/merge/",
                          {"into": w.school_a2.pk, "decided_on": TODAY.isoformat()})
    assert refused.status_code == 422 and "第八条" in refused.content.decode()
    assert client_for(w.county_yz).get(f"/schools/{w.school_a.pk}/reorganisation/").status_code == 404
    assert client_for(w.registrar_a).post(f"/schools/{w.school_a.pk}/reorganisation/merge/",
                                          {"into": w.school_a2.pk}).status_code == 403
