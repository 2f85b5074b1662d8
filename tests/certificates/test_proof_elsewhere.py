"""第三十八条 由毕业学校出具: a primary graduate now at a junior school in another county gets his 学历证明 from the
primary school that issued the lost certificate, found by certificate number and name, sealed by its county."""

import datetime

import pytest
from django.test import Client

from tests.api.conftest import assert_error
from xueji.applications.models import Application
from xueji.certificates.models import Certificate
from xueji.students.models import Student

API = "/api/v1"


@pytest.fixture
def moved_on(people, make_student):
    """A 毕业 certificate of 迎泽区新建路小学 whose holder is now in 初一 at 小店区第一中学."""
    w = people
    student = make_student(school=w.school_a2, grade=7, name="赵小满")
    Student.objects.filter(pk=student.pk).update(status="在籍", student_number="G" + student.id_number)
    student.refresh_from_db()
    return Certificate.objects.create(
        number="X140106202600001", kind="毕业", stage="primary", student=student, school=w.school_b,
        numbered_by=w.yingze, school_year=2025, issued_on=datetime.date(2026, 7, 1), issued_by=w.county_yz)


def _lookup(api, number, name):
    return api.post(f"{API}/certificates/lookup", {"number": number, "name": name}, content_type="application/json")


def _file(api, key, number):
    return api.post(f"{API}/applications", {"type": "education_proof", "student": key, "certificate": number},
                    content_type="application/json")


def test_the_graduating_school_finds_files_and_its_county_seals(people, moved_on, api_for):
    w, original = people, moved_on
    school = api_for(w.registrar_b)
    # He can no longer read the record, so the student's own pages are closed to him.
    assert school.get(f"{API}/students/{original.student.key}/certificates").status_code == 404
    found = _lookup(school, original.number, "赵小满")
    assert found.status_code == 200, found.content.decode()
    body = found.json()
    assert body["certificate"]["number"] == original.number and body["student_name"] == "赵小满"
    filed = _file(school, body["student"], original.number)
    assert filed.status_code == 201, filed.content.decode()
    app = Application.objects.get(pk=filed.json()["id"])
    assert app.school == w.school_b and [(s.role, s.org_code) for s in app.steps.all()] == [("county", w.yingze.pk)]
    assert school.get(f"{API}/applications/{app.pk}").status_code == 200  # the filer's school sees its application
    # The current school's county holds no step and cannot seal; the graduating school's county does.
    assert api_for(w.county_xd).post(f"{API}/applications/{app.pk}/approve", {},
                                     content_type="application/json").status_code in (403, 404)
    sealed = api_for(w.county_yz).post(f"{API}/applications/{app.pk}/approve", {}, content_type="application/json")
    assert sealed.status_code == 200, sealed.content.decode()
    proof = Certificate.objects.get(proves=original)
    assert (proof.kind, proof.school, proof.sealed_by, proof.issued_by) == ("学历证明", w.school_b, w.county_yz,
                                                                           w.registrar_b)
    student = Student.objects.get(pk=original.student_id)
    assert (student.status, student.school_id) == ("在籍", w.school_a2.pk)  # a proof moves nobody
    # A second one from the school is refused with the article.
    again = _file(school, body["student"], original.number)
    assert_error(again, 422, code="proof_once_only", article="第三十八条")
    # The sealing county, which no longer oversees the holder either, may start another with its reason.
    second = api_for(w.county_yz).post(f"{API}/applications", {
        "type": "education_proof", "student": body["student"], "certificate": original.number,
        "second_reason": "原学历证明在搬家中遗失,有派出所证明"}, content_type="application/json")
    assert second.status_code == 201, second.content.decode()


def test_the_lookup_refuses_a_wrong_name_another_school_and_the_auditor(people, moved_on, api_for):
    w, original = people, moved_on
    assert _lookup(api_for(w.registrar_b), original.number, "赵小").status_code == 404
    assert _lookup(api_for(w.registrar_b), "X140106209999999", "赵小满").status_code == 404
    for outsider in (w.registrar_a, w.registrar_high, w.county_xd, w.city_dt, w.auditor):
        assert _lookup(api_for(outsider), original.number, "赵小满").status_code == 404, outsider.username
    assert_error(_lookup(api_for(w.registrar_b), " ", ""), 422, code="required")
    assert _lookup(Client(), original.number, "赵小满").status_code == 401


def test_outsiders_cannot_file_at_the_graduating_school(people, moved_on, api_for):
    w, original = people, moved_on
    key = original.student.key
    # Another school, unrelated to either: 404, the student is not revealed.
    assert _file(api_for(w.registrar_a), key, original.number).status_code == 404
    assert _file(api_for(w.registrar_high), key, original.number).status_code == 404
    # The current school reads the record but did not issue the certificate: refused with 第三十八条.
    assert_error(_file(api_for(w.registrar_a2), key, original.number), 422, code="proof_wrong_starter",
                 article="第三十八条")
    # Without a certificate of his, the graduating school cannot reach the student at all.
    assert _file(api_for(w.registrar_b), key, "").status_code == 404
    assert not Application.objects.filter(type="education_proof").exists()


def test_the_page_finds_confirms_and_files_at_the_graduating_school(people, moved_on, client_for):
    w, original = people, moved_on
    client = client_for(w.registrar_b)
    assert "出具学历证明" in client.get(f"/schools/{w.school_b.pk}/certificates/").content.decode()
    url = "/certificates/proof/"
    shown = client.post(url, {"number": original.number, "name": "赵小满"})
    assert shown.status_code == 200 and 'data-testid="proof-confirm"' in shown.content.decode()
    assert not Application.objects.exists()  # found, not yet filed
    filed = client.post(url, {"number": original.number, "name": "赵小满", "confirm": "1"})
    app = Application.objects.get(type="education_proof")
    assert filed.status_code == 302 and filed["Location"].endswith(f"/{app.pk}/") and app.school == w.school_b
    assert client.get(filed["Location"]).status_code == 200


def test_the_page_refuses_a_mismatch_another_school_and_an_officer(people, moved_on, client_for):
    w, original = people, moved_on
    url = "/certificates/proof/"
    wrong = client_for(w.registrar_b).post(url, {"number": original.number, "name": "赵大满", "confirm": "1"})
    assert wrong.status_code == 404 and "请核对证书编号和姓名" in wrong.content.decode()
    assert client_for(w.registrar_a).post(url, {"number": original.number, "name": "赵小满",
                                                "confirm": "1"}).status_code == 404
    assert client_for(w.county_yz).get(url).status_code == 403
    assert not Application.objects.exists()
