"""Cross-province transfers through the API: the package a completed transfer out issues, read and checked the
way another registry would (its checksum recomputed here without the project's code), and packages accepted
from another province, new students and a student coming back alike; every refusal writes nothing."""

import copy
import datetime
import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from tests.transfers.conftest import PDF
from xueji.applications import services as engine
from xueji.audit.models import AuditEvent
from xueji.policy.fields import FAMILY_FIELDS, STUDENT_FIELDS
from xueji.students.models import Enrolment, Student, StudentNumber

pytestmark = pytest.mark.django_db

TO_HEBEI = {"transfer_reason": "family_move", "from_division": "140105", "to_division": "130102"}
HEBEI_SCHOOL = {"code": "1113010201", "name": "石家庄市长安区实验小学", "school_type": "211", "ownership": "public",
                "provincial_model": False, "vocational": False, "county_code": "130102", "county_name": "长安区",
                "city_code": "130100", "city_name": "石家庄市"}


def sha256_of(body: dict) -> str:
    """The checksum as the format's documentation defines it, computed independently of xueji."""
    content = {k: v for k, v in body.items() if k != "sha256"}
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pdf(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def transfer_out(api_for, w, student) -> int:
    response = api_for(w.registrar_a).post("/api/v1/transfers/outgoing", data={
        "student": student.student_number, **TO_HEBEI, "to_grade": "3",
        "destination.name": "石家庄市长安区实验小学", "destination.county_code": "130102",
        "destination.school_type": "211",
        "evidence.transfer_form": pdf("附件8.pdf"), "evidence.hukou_transfer": pdf("户籍迁移证明.pdf")})
    assert response.status_code == 201, response.json()
    app_id = response.json()["id"]
    for actor in (w.leader_a, w.county_xd):
        assert api_for(actor).post(f"/api/v1/applications/{app_id}/approve", {"comment": "同意"},
                                   content_type="application/json").status_code == 200
    return app_id


def as_from_hebei(package: dict, **student) -> dict:
    """What the 河北 registry would issue, in the same format: its province, its school, its record."""
    body = copy.deepcopy(package)
    body.update(province_from="130000", province_to="140000", source_school=dict(HEBEI_SCHOOL))
    body["transfer"].update(from_division="130102", to_division="140106")
    body["student"].update(status="转出", **student)
    body["sha256"] = sha256_of(body)
    return body


def import_package(client, body, **fields):
    data = {"package": SimpleUploadedFile("package.json", json.dumps(body, ensure_ascii=False).encode(),
                                          content_type="application/json"),
            "transfer_reason": "family_move", "from_division": "130102", "to_division": "140106",
            "evidence.transfer_form": pdf("附件8.pdf"), "evidence.hukou_transfer": pdf("户籍.pdf"), **fields}
    return client.post("/api/v1/transfer-packages", data=data)


@pytest.fixture
def issued(people, enrolled, api_for):
    """A 小店区 pupil who moved to 河北 with his family; the transfer out is complete."""
    w = people
    student = enrolled(school=w.school_a, grade=3)
    app_id = transfer_out(api_for, w, student)
    body = api_for(w.registrar_a).get(f"/api/v1/applications/{app_id}/transfer-package").json()
    return student, app_id, body


def test_a_transfer_out_issues_a_package_another_registry_can_read_and_verify(people, issued):
    w = people
    student, app_id, body = issued
    student.refresh_from_db()
    assert student.status == "转出"
    assert (body["format"], body["version"]) == ("xueji-transfer-package", 1)
    assert (body["province_from"], body["province_to"]) == ("140000", "130000")
    assert body["sha256"] == sha256_of(body)
    items = {spec.name for spec in STUDENT_FIELDS} - {"photo", "school_class"}
    assert items <= set(body["student"]) and len(items) + 2 == 48  # photo and class are not carried
    assert body["student"]["id_number"] == student.id_number and body["student"]["gender"] == "1"
    assert {spec.name for spec in FAMILY_FIELDS} <= set(body["family"][0])
    assert body["numbers"][0]["number"] == student.student_number
    assert body["enrolments"][0]["exit_reason"] == "转出"
    assert [e["kind"] for e in body["events"]][-1] == "转出(省外或中等职业学校)"
    assert [(a["role"], a["decider"]) for a in body["approvals"]] == [("leader", "lead_a"), ("county", "xd")]
    assert {e["kind"] for e in body["evidence"]} == {"transfer_form", "hukou_transfer"}
    assert AuditEvent.objects.filter(action="transfer.package_download", actor=w.registrar_a).exists()


def test_the_package_is_refused_to_outsiders_and_before_completion(people, issued, api_for, enrolled):
    w = people
    _student, app_id, _body = issued
    for outsider in (w.auditor, w.county_pc, w.registrar_b):
        assert api_for(outsider).get(f"/api/v1/applications/{app_id}/transfer-package").status_code == 404
    assert api_for(w.county_xd).get(f"/api/v1/applications/{app_id}/transfer-package").status_code == 200
    pending = api_for(w.registrar_a).post("/api/v1/transfers/outgoing", data={
        "student": enrolled(school=w.school_a).student_number, **TO_HEBEI,
        "destination.name": "石家庄某小学", "destination.county_code": "130102", "destination.school_type": "211",
        "evidence.transfer_form": pdf("a.pdf"), "evidence.hukou_transfer": pdf("b.pdf")}).json()["id"]
    answer = api_for(w.registrar_a).get(f"/api/v1/applications/{pending}/transfer-package")
    assert answer.status_code == 409 and answer.json()["errors"][0]["code"] == "package_not_issued"


def test_round_trip_the_student_comes_back_to_his_own_record(people, issued, api_for):
    w = people
    student, _app_id, body = issued
    back = as_from_hebei(body)
    response = import_package(api_for(w.registrar_b), back)
    assert response.status_code == 201, response.json()
    app = response.json()
    assert app["type"] == "transfer_in" and app["school"] == w.school_b.pk
    assert [s["org"] for s in app["steps"]] == [w.school_b.pk, w.yingze.pk]
    for actor in (w.leader_b, w.county_yz):
        engine.approve(actor, app["id"])
    student.refresh_from_db()
    assert Student.objects.filter(id_number=student.id_number).count() == 1  # 第十四条: still one record
    assert (student.school_id, student.status) == (w.school_b.pk, "在籍")
    assert student.student_number == "G" + student.id_number
    stays = list(Enrolment.objects.filter(student=student).order_by("id").values_list("school", "exit_reason",
                                                                                        "entry_reason"))
    assert stays == [(w.school_a.pk, "转出", "新建学籍"), (w.school_b.pk, "", "跨省转入")]
    assert set(student.events.values_list("kind", flat=True)) >= {"建档", "转出(省外或中等职业学校)", "跨省转入"}


def test_a_new_student_from_another_province_gets_a_record_and_keeps_his_old_number(people, issued, api_for):
    w = people
    _student, _app_id, body = issued
    new_id = f.make_id(area="130102", birth=datetime.date(2015, 5, 6), gender="2")
    old_number = "J130102201505060015"
    package = as_from_hebei(body, name="李小红", gender="2", birth_date="2015-05-06", id_number=new_id,
                            student_number=old_number)
    response = import_package(api_for(w.registrar_b), package)
    assert response.status_code == 201, response.json()
    newcomer = Student.objects.get(id_number=new_id)
    assert (newcomer.status, newcomer.school_id, newcomer.photo_retake_needed) == ("待注册", w.school_b.pk, True)
    for actor in (w.leader_b, w.county_yz):
        engine.approve(actor, response.json()["id"])
    newcomer.refresh_from_db()
    assert newcomer.status == "在籍" and newcomer.student_number == "G" + new_id
    alias = StudentNumber.objects.get(number=old_number)
    assert alias.student == newcomer and alias.replaced_at is not None


def test_a_g_number_that_no_longer_spells_the_id_stays_the_students_number(people, issued, api_for):
    # 第十一条 终身不变: the other province corrected the ID after issuing the G number; the number stays his.
    w = people
    _student, _app_id, body = issued
    birth = datetime.date(2015, 5, 7)
    new_id = f.make_id(area="130102", birth=birth, gender="2", seq=41)
    lifelong = "G" + f.make_id(area="130102", birth=birth, gender="2", seq=42)
    package = as_from_hebei(body, name="赵小红", gender="2", birth_date=birth.isoformat(), id_number=new_id,
                            student_number=lifelong)
    response = import_package(api_for(w.registrar_b), package)
    assert response.status_code == 201, response.json()
    for actor in (w.leader_b, w.county_yz):
        engine.approve(actor, response.json()["id"])
    newcomer = Student.objects.get(id_number=new_id)
    assert newcomer.status == "在籍" and newcomer.student_number == lifelong
    assert list(StudentNumber.objects.filter(student=newcomer).values_list("number", "replaced_at")) == [
        (lifelong, None)]


def test_a_changed_package_fails_its_checksum_and_nothing_is_written(people, issued, api_for):
    w = people
    _student, _app_id, body = issued
    package = as_from_hebei(body, id_number=f.make_id(area="130102"))
    package["student"]["name"] = "改过的名字"
    before = Student.objects.count()
    response = import_package(api_for(w.registrar_b), package)
    assert response.status_code == 422 and response.json()["errors"][0]["code"] == "package_checksum"
    assert Student.objects.count() == before


@pytest.mark.parametrize("change, code", [({"format": "other-format"}, "package_format"),
                                          ({"version": 9}, "package_version"),
                                          ({"province_from": "140000"}, "package_same_province")])
def test_a_package_of_another_kind_or_from_this_province_is_refused(people, issued, api_for, change, code):
    w = people
    package = as_from_hebei(issued[2], id_number=f.make_id(area="130102"))
    package.update(change)
    package["sha256"] = sha256_of(package)
    response = import_package(api_for(w.registrar_b), package)
    assert response.status_code == 422 and response.json()["errors"][0]["code"] == code


def test_a_student_registered_here_is_not_registered_twice(people, issued, api_for, enrolled):
    w = people
    here = enrolled(school=w.school_a2, grade=7, birth=datetime.date(2013, 1, 1))
    package = as_from_hebei(issued[2], id_number=here.id_number, name=here.name)
    response = import_package(api_for(w.registrar_b), package)
    assert response.status_code == 409
    assert response.json()["errors"][0] == {"code": "duplicate_id", "article": "第十四条", "field": "student.id_number",
                                            "message": response.json()["errors"][0]["message"]}


def test_the_same_package_twice_is_refused(people, issued, api_for):
    w = people
    package = as_from_hebei(issued[2], id_number=f.make_id(area="130102"), name="张小刚")
    assert import_package(api_for(w.registrar_b), package).status_code == 201
    again = import_package(api_for(w.registrar_b), package)
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "package_already_imported"


def test_a_vocational_student_cannot_enter_a_general_high_school(people, issued, api_for):
    w = people
    high = f.school("1114010602", "太原市迎泽区第三中学", "342", w.yingze)
    registrar = f.user("reg_yzh", "registrar", school=high)
    package = as_from_hebei(issued[2], id_number=f.make_id(area="130102", birth=datetime.date(2009, 3, 2)),
                            birth_date="2009-03-02", grade=11, entry_mode="21")
    package["source_school"].update(name="石家庄市职业技术学校", school_type="365", vocational=True)
    package["sha256"] = sha256_of(package)
    before = Student.objects.count()
    response = import_package(api_for(registrar), package)
    assert response.status_code == 422
    assert {(e["code"], e["article"]) for e in response.json()["errors"]} == {("transfer_vocational_to_general", "第二十条")}
    assert Student.objects.count() == before


def test_only_a_school_registrar_imports(people, issued, api_for):
    w = people
    package = as_from_hebei(issued[2], id_number=f.make_id(area="130102"))
    assert import_package(api_for(w.leader_b), package).status_code == 403
    assert import_package(api_for(w.auditor), package).status_code == 403
