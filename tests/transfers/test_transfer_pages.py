"""The transfer pages: 转入申请 (identify, then file with the scans), the transfers of one's schools, the transfer
out of the registry, importing a package and downloading one; each refused to those who may not use it."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.transfers.conftest import MOVE, PDF
from xueji.applications import services as engine
from xueji.applications.models import Application

pytestmark = pytest.mark.django_db


def pdf(name="scan.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def identity(student) -> dict:
    return {"student_number": student.student_number, "name": student.name, "id_number": student.id_number}


def test_transfer_in_page_identifies_then_files(people, enrolled, client_for):
    w = people
    student = enrolled()
    client = client_for(w.registrar_b)
    assert 'data-testid="lookup-form"' in client.get("/transfers/new/").content.decode()
    wrong = client.post("/transfers/new/", {**identity(student), "name": "李四", "stage": "lookup"})
    assert wrong.status_code == 404 and "未找到" in wrong.content.decode()
    found = client.post("/transfers/new/", {**identity(student), "stage": "lookup"}).content.decode()
    assert 'data-testid="lookup-summary"' in found and w.school_a.name in found
    assert f"{student.id_number[:4]}**********{student.id_number[-4:]}" in found  # the summary masks the ID
    refused = client.post("/transfers/new/", {**identity(student), "stage": "submit", **MOVE, "to_grade": "4",
                                              "evidence.transfer_form": pdf(), "evidence.work_change": pdf()})
    assert refused.status_code == 422 and "第二十条" in refused.content.decode()
    assert not Application.objects.exists()
    done = client.post("/transfers/new/", {**identity(student), "stage": "submit", **MOVE, "to_grade": "3",
                                           "evidence.transfer_form": pdf(), "evidence.work_change": pdf()})
    app = Application.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/applications/{app.pk}/"
    assert app.school_id == w.school_b.pk and app.evidence.count() == 2
    detail = client.get(done["Location"])
    assert detail.status_code == 200 and "转入学校负责人审签" in detail.content.decode()
    assert client_for(w.leader_a).get(done["Location"]).status_code == 200  # the sending side holds a step
    assert client_for(w.county_pc).get(done["Location"]).status_code == 404


def test_transfer_in_page_is_for_registrars(people, client_for):
    w = people
    assert client_for(w.leader_b).get("/transfers/new/").status_code == 403
    assert client_for(w.county_yz).post("/transfers/new/", {"stage": "lookup"}).status_code == 403
    assert client_for(w.auditor).get("/transfers/").status_code == 403


def test_the_index_shows_each_side_its_transfers(people, enrolled, client_for):
    w = people
    student = enrolled()
    engine_app = client_for(w.registrar_b).post("/transfers/new/", {
        **identity(student), "stage": "submit", **MOVE, "to_grade": "3",
        "evidence.transfer_form": pdf(), "evidence.work_change": pdf()})
    assert engine_app.status_code == 302
    receiving = client_for(w.registrar_b).get("/transfers/").content.decode()
    sending = client_for(w.leader_a).get("/transfers/").content.decode()
    assert "转入学校负责人审签" in receiving and student.name in receiving
    assert student.name in sending
    assert student.name not in client_for(w.county_pc).get("/transfers/").content.decode()


def test_transfer_out_page(people, enrolled, client_for):
    w = people
    student = enrolled()
    page = client_for(w.registrar_a).get(f"/students/{student.student_number}/transfer-out/")
    assert page.status_code == 200
    assert client_for(w.registrar_b).get(f"/students/{student.student_number}/transfer-out/").status_code == 404
    assert client_for(w.leader_a).get(f"/students/{student.student_number}/transfer-out/").status_code == 403
    response = client_for(w.registrar_a).post(f"/students/{student.student_number}/transfer-out/", {
        "transfer_reason": "family_move", "from_division": "140105", "to_division": "130102", "to_grade": "3",
        "destination.name": "石家庄市长安区实验小学", "destination.county_code": "130102",
        "destination.school_type": "211", "destination.ownership": "public",
        "evidence.transfer_form": pdf(), "evidence.hukou_transfer": pdf()})
    assert response.status_code == 302
    app = Application.objects.get(type="transfer_out")
    assert app.payload["destination"]["name"] == "石家庄市长安区实验小学"
    assert client_for(w.registrar_a).get(f"/transfers/{app.pk}/package/").status_code == 302  # not yet issued
    for actor in (w.leader_a, w.county_xd):
        engine.approve(actor, app.pk)
    download = client_for(w.registrar_a).get(f"/transfers/{app.pk}/package/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert json.loads(download.content)["format"] == "xueji-transfer-package"
    assert client_for(w.county_pc).get(f"/transfers/{app.pk}/package/").status_code == 404
    assert f"/transfers/{app.pk}/package/" in client_for(w.county_xd).get("/transfers/").content.decode()


def test_import_page_reports_a_bad_package(people, client_for):
    w = people
    assert client_for(w.registrar_b).get("/transfers/import/").status_code == 200
    bad = SimpleUploadedFile("p.json", b'{"format": "something-else"}', content_type="application/json")
    response = client_for(w.registrar_b).post("/transfers/import/", {"package": bad, **MOVE})
    assert response.status_code == 422 and "不是转学数据包" in response.content.decode()
    assert client_for(w.leader_b).get("/transfers/import/").status_code == 403


def test_the_student_page_offers_the_transfer_out_to_his_registrar(people, enrolled, client_for):
    w = people
    student = enrolled()
    mine = client_for(w.registrar_a).get(f"/students/{student.student_number}/").content.decode()
    # A G-numbered record is named by its id in links: the number is the ID itself.
    assert f"/students/{student.pk}/transfer-out/" in mine and student.student_number not in mine
    county = client_for(w.county_xd).get(f"/students/{student.student_number}/").content.decode()
    assert "/transfer-out/" not in county


def test_the_application_page_names_every_transfer_detail_in_chinese(people, enrolled, client_for):
    """No payload key (to_grade, from_school, from_school_name), proof kind (transfer_form) or bare division
    code reaches the page; the API keeps them."""
    from tests.words import internal_words, visible_text

    w = people
    student = enrolled()
    client = client_for(w.registrar_b)
    done = client.post("/transfers/new/", {**identity(student), "stage": "submit", **MOVE, "to_grade": "3",
                                           "evidence.transfer_form": pdf(), "evidence.work_change": pdf()})
    shown = visible_text(client.get(done["Location"]))
    for words in ("转入年级", "三年级", "转出学校", w.school_a.name, "原居住(务工)地", "平城区", "迎泽区",
                  "《山西省中小学生转学申请表》(附件8)盖章扫描件"):
        assert words in shown
    for code in ("to_grade", "from_school", "from_school_name", "transfer_form", "work_change", "140213", "140106",
                 w.school_a.pk):
        assert not re.search(rf"(?<![\w]){code}(?![\w])", shown), code
    assert internal_words(shown, allow={w.registrar_b.username}) == []
    app = Application.objects.get()
    assert app.payload["to_division"] == "140106" and app.payload["from_school"] == w.school_a.pk  # the API's codes


def test_the_transfer_out_page_describes_the_destination_in_words(people, enrolled, client_for):
    from tests.words import internal_words, visible_text

    w = people
    student = enrolled()
    response = client_for(w.registrar_a).post(f"/students/{student.student_number}/transfer-out/", {
        "transfer_reason": "family_move", "from_division": "140105", "to_division": "130102", "to_grade": "3",
        "destination.name": "石家庄市长安区实验小学", "destination.county_code": "130102",
        "destination.school_type": "211", "destination.ownership": "public",
        "evidence.transfer_form": pdf(), "evidence.hukou_transfer": pdf()})
    shown = visible_text(client_for(w.registrar_a).get(response["Location"]))
    for words in ("石家庄市长安区实验小学", "长安区", "小店区", "户籍迁移证明"):
        assert words in shown
    for code in ("destination", "hukou_transfer", "130102", "140105"):
        assert not re.search(rf"(?<![\w]){code}(?![\w])", shown), code
    assert "{" not in shown
    assert internal_words(shown, allow={w.registrar_a.username}) == []


def test_the_record_and_timeline_name_the_schools_of_a_completed_transfer(people, enrolled, client_for, clock):
    """The history of a transfer records school codes and class ids; the pages show the names."""
    import datetime

    from tests.transfers.conftest import proofs
    from tests.words import internal_words, visible_text
    from xueji.transfers import services

    w = people
    student = enrolled(grade=1, school_class=w.class_a1.pk)
    clock(datetime.date(2026, 9, 28))
    app = services.start_transfer(w.registrar_b, student_number=student.student_number, name=student.name,
                                  id_number=student.id_number, payload={**MOVE, "to_grade": 1}, evidence=proofs())
    for actor in (w.leader_b, w.county_yz, w.leader_a, w.county_xd):
        engine.approve(actor, app.pk)
    client = client_for(w.registrar_b)
    for url in (f"/students/{student.student_number}/", f"/students/{student.student_number}/timeline/"):
        response = client.get(url)
        assert response.status_code == 200, url
        shown = visible_text(response)
        assert w.school_a.name in shown and w.school_b.name in shown
        assert not re.search(rf"(?<!\d){w.school_a.pk}(?!\d)", shown), url  # the sending school's bare code
        assert w.class_a1.name in shown  # the class the student left, recorded by its id
        assert internal_words(shown, allow={u.username for u in (w.registrar_a, w.registrar_b, w.leader_a,
                                                                 w.leader_b, w.county_xd, w.county_yz)}) == []
    assert client_for(w.county_pc).get(f"/students/{student.student_number}/").status_code == 404
