"""/api/v1/students: create, search, read, edit, history, ID reveal and photo, each refused to outsiders."""

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests import factories as f
from tests.api.conftest import API, assert_error, denied_rows
from xueji.audit.models import AuditEvent
from xueji.core.masking import mask_id
from xueji.policy.fields import FAMILY_FIELDS, STUDENT_FIELDS
from xueji.students.models import StatusEvent, Student

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200


def payload(school="1114010501", **overrides):
    return {"school": school, **f.student_payload(**overrides)}


def break_check_digit(number: str) -> str:
    last = number[-1]
    return number[:-1] + ("0" if last != "0" else "1")


# ------------------------------------------------------------------ POST /students


def test_registrar_creates_a_record_awaiting_registration(world, api):
    sent = payload(school_class=str(world.class_a1.pk))
    response = api(world.registrar_a).post("/students", sent)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "待注册" and body["student_number"] is None and body["former_numbers"] == []
    assert (body["name"], body["gender"], body["gender_label"], body["birth_date"]) == ("王小明", "1", "男", "2015-03-02")
    assert (body["school"], body["school_name"], body["grade"], body["grade_label"]) == (
        "1114010501", "太原市小店区坞城路小学", 1, "一年级")
    assert (body["class"], body["class_name"]) == (world.class_a1.pk, "1班")
    assert body["id_number"] == mask_id(sent["id_number"]) and "*" in body["id_number"]
    assert body["family"][0]["name"] == "王建国" and "*" in body["family"][0]["id_number"]
    assert body["family"][0]["is_guardian"] is True and body["only_child"] is True
    assert body["commute_distance"] == 1.5 and body["photo_url"] is None

    student = Student.objects.get(pk=body["id"])
    assert student.id_number == sent["id_number"] and student.school_class == world.class_a1
    assert student.created_by == world.registrar_a
    assert AuditEvent.objects.filter(actor=world.registrar_a, action="student.create",
                                     object_id=str(student.pk)).exists()


def test_the_student_json_carries_every_item_of_the_form(world, api, make_student):
    student = make_student()
    body = api(world.registrar_a).get(f"/students/{student.pk}").json()
    renamed = {"school_class": "class", "photo": "photo_url"}
    for spec in STUDENT_FIELDS:
        assert renamed.get(spec.name, spec.name) in body, spec.name
    for spec in FAMILY_FIELDS:
        assert spec.name in body["family"][0], spec.name
    for key in ("id", "student_number", "former_numbers", "status", "school", "school_name", "grade_label",
                "class_name", "created_at", "updated_at"):
        assert key in body


def test_numbers_and_booleans_are_accepted_where_codes_are_expected(world, api):
    sent = payload(gender=1, only_child=True, preschool=False, grade=1, commute_distance=2)
    sent["id_number"] = f.make_id(gender="1")
    response = api(world.registrar_a).post("/students", sent)
    assert response.status_code == 201, response.content
    assert response.json()["preschool"] is False and response.json()["commute_distance"] == 2.0


def test_labels_are_accepted_as_values(world, api):
    sent = payload(gender="男", ethnicity="汉族", grade="一年级", id_number=f.make_id(gender="1"))
    response = api(world.registrar_a).post("/students", sent)
    assert response.status_code == 201, response.content
    assert (response.json()["gender"], response.json()["ethnicity"]) == ("1", "01")


def test_invalid_check_digit_is_422_on_id_number(world, api):
    sent = payload()
    sent["id_number"] = break_check_digit(sent["id_number"])
    body = assert_error(api(world.registrar_a).post("/students", sent), 422, field="id_number")
    assert "校验" in body["errors"][0]["message"]
    assert not Student.objects.exists()


@pytest.mark.parametrize("field, value", [
    ("gender", "3"),
    ("birth_date", "2015-02-30"),
    ("grade", "abc"),
    ("grade", 7),              # a 小学 has no 初一
    ("ethnicity", "99"),
    ("phone", "call me"),
    ("postcode", "0300"),
    ("entry_month", "2021-13"),
    ("commute_distance", "far"),
    ("only_child", "maybe"),
])
def test_bad_values_are_422_naming_the_field(world, api, field, value):
    sent = payload(**{field: value})
    response = api(world.registrar_a).post("/students", sent)
    body = assert_error(response, 422)
    assert field in {e["field"] for e in body["errors"]}, body
    assert not Student.objects.exists()


def test_missing_required_items_are_all_reported(world, api):
    sent = payload()
    for key in ("name", "current_address", "family"):
        sent.pop(key)
    body = assert_error(api(world.registrar_a).post("/students", sent), 422)
    fields = {e["field"] for e in body["errors"]}
    assert {"name", "current_address", "family[0].name"} <= fields


@pytest.mark.parametrize("raw", [
    "{not json",
    json.dumps({**payload(), "name": ["王", "小明"]}),
    json.dumps({**payload(), "family": "王建国"}),
    json.dumps({**payload(), "favourite_colour": "blue"}),
    json.dumps([1, 2, 3]),
])
def test_malformed_bodies_are_400(world, api, raw):
    assert_error(api(world.registrar_a).raw("post", "/students", raw), 400)
    assert not Student.objects.exists()


def test_a_second_record_for_the_same_id_number_is_409(world, api):
    sent = payload()
    assert api(world.registrar_a).post("/students", sent).status_code == 201
    body = assert_error(api(world.registrar_b).post("/students", {**sent, "school": "1114010601"}), 409,
                        field="id_number", article="第十四条")
    assert "转学" in body["errors"][0]["message"]
    assert Student.objects.count() == 1


def test_a_rare_character_name_survives_the_round_trip(world, api):
    client = api(world.registrar_a)
    created = client.post("/students", payload(name="𠮷祥"))
    assert created.status_code == 201, created.content
    key = created.json()["id"]
    assert Student.objects.get(pk=key).name == "𠮷祥"
    assert client.get(f"/students/{key}").json()["name"] == "𠮷祥"
    found = client.get("/students", q="𠮷").json()
    assert found["count"] == 1 and found["results"][0]["name"] == "𠮷祥"


def test_registrar_of_another_school_cannot_create_here(world, api):
    assert_error(api(world.registrar_b).post("/students", payload()), 404)
    assert denied_rows(world.registrar_b, object_id="1114010501").exists()
    assert not Student.objects.exists()


def test_officers_and_leaders_do_not_type_records(world, api):
    assert_error(api(world.county_xd).post("/students", payload()), 403)
    assert_error(api(world.leader_a).post("/students", payload()), 403)
    assert_error(api(world.auditor).post("/students", payload()), 404)
    assert not Student.objects.exists()


# ------------------------------------------------------------------ GET /students


@pytest.fixture
def roster(world, make_student):
    """Two 小店区 students (schools A and A2) and one of 迎泽区."""
    return {
        "a": make_student(name="李小花"),
        "a2": make_student(school=world.school_a2, name="赵初一", grade=7, entry_month="202409",
                           birth=date(2012, 5, 1)),
        "b": make_student(school=world.school_b, name="迎泽生"),
    }


def names(response):
    assert response.status_code == 200, response.content
    return {s["name"] for s in response.json()["results"]}


def test_county_officer_sees_his_county_and_nothing_of_yingze(world, api, roster):
    client = api(world.county_xd)
    assert names(client.get("/students")) == {"李小花", "赵初一"}
    assert names(client.get("/students", q="迎泽生")) == set()
    assert names(client.get("/students", school="1114010601")) == set()
    assert client.get(f"/students/{roster['a'].pk}").status_code == 200
    assert_error(client.get(f"/students/{roster['b'].pk}"), 404)
    assert denied_rows(world.county_xd, object_id=str(roster["b"].pk)).exists()
    assert names(api(world.county_yz).get("/students")) == {"迎泽生"}


def test_list_masks_id_numbers_and_is_audited(world, api, roster):
    body = api(world.county_xd).get("/students", q="李小花").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id_number"] == mask_id(roster["a"].id_number) and row["id_number"] != roster["a"].id_number
    event = AuditEvent.objects.filter(actor=world.county_xd, action="student.search").latest("id")
    assert event.details["q"] == "李小花" and event.details["count"] == 1


def test_search_by_id_number_and_filters(world, api, roster):
    client = api(world.county_xd)
    assert names(client.get("/students", q=roster["a"].id_number)) == {"李小花"}
    assert names(client.get("/students", grade=7)) == {"赵初一"}
    assert names(client.get("/students", school="1114010501", status="待注册")) == {"李小花"}
    assert names(client.get("/students", status="在籍")) == set()
    Student.objects.filter(pk=roster["a"].pk).update(school_class=world.class_a1)
    assert names(client.get("/students", **{"class": world.class_a1.pk})) == {"李小花"}
    assert_error(client.get("/students", grade=13), 400, field="grade")


def test_list_pages(world, api, roster):
    client = api(world.province_officer)
    body = client.get("/students", page_size=2).json()
    assert (body["count"], body["page_size"], len(body["results"])) == (3, 2, 2)
    assert len(client.get("/students", page_size=2, page=2).json()["results"]) == 1
    assert_error(client.get("/students", page_size=500), 400, field="page_size")


def test_auditor_and_other_schools_see_no_students(world, api, roster):
    assert api(world.auditor).get("/students").json()["count"] == 0
    assert names(api(world.registrar_b).get("/students")) == {"迎泽生"}


# ------------------------------------------------------------------ GET /students/{key}


def test_detail_read_is_audited(world, api, roster):
    student = roster["a"]
    body = api(world.leader_a).get(f"/students/{student.pk}").json()
    assert body["id_number"] == mask_id(student.id_number)
    assert AuditEvent.objects.filter(actor=world.leader_a, action="student.view",
                                     object_id=str(student.pk), outcome="ok").exists()


@pytest.mark.parametrize("who", ["registrar_b", "county_yz", "registrar_a2", "auditor", "city_dt",
                                 "registrar_high"])
def test_outsiders_get_404_and_the_attempt_is_logged(world, api, roster, who):
    user = getattr(world, who)
    key = str(roster["a"].pk)
    assert_error(api(user).get(f"/students/{key}"), 404)
    assert denied_rows(user, action="student.view", object_id=key).exists()


def test_absent_and_outside_look_the_same(world, api, roster):
    client = api(world.registrar_b)
    absent = client.get("/students/999999").json()
    outside = client.get(f"/students/{roster['a'].pk}").json()
    assert absent == outside


def test_student_is_found_by_current_and_former_number(world, api, roster):
    from xueji.students.numbers import issue_number

    student = roster["a"]
    temporary = issue_number(student, "L").number
    formal = issue_number(student, "G").number
    client = api(world.registrar_a)
    by_former = client.get(f"/students/{temporary}").json()
    # The G number is the ID with a letter in front: shown masked like the ID; the L number stays whole.
    assert by_former["student_number"] == "G" + mask_id(formal[1:]) and by_former["former_numbers"] == [temporary]
    assert client.get(f"/students/{formal.lower()}").json()["id"] == student.pk


# ------------------------------------------------------------------ PATCH /students/{key}


def test_patching_a_controlled_field_is_422_and_changes_nothing(world, api, roster):
    student = roster["a"]
    body = assert_error(api(world.registrar_a).patch(f"/students/{student.pk}", {"name": "李大花"}), 422,
                        field="name", article="第十五条")
    assert "第十五条" in body["errors"][0]["message"]
    student.refresh_from_db()
    assert student.name == "李小花"
    assert not StatusEvent.objects.filter(student=student, kind="信息维护").exists()


@pytest.mark.parametrize("field, value", [("gender", "2"), ("birth_date", "2015-03-03"), ("id_type", "Z"),
                                          ("id_number", f.make_id())])
def test_every_controlled_field_is_refused(world, api, roster, field, value):
    assert_error(api(world.registrar_a).patch(f"/students/{roster['a'].pk}", {field: value}), 422,
                 field=field, article="第十五条")


def test_patching_the_address_records_an_event_and_an_audit_row(world, api, roster):
    student = roster["a"]
    old = student.current_address
    new = "山西省太原市小店区长治路8号"
    response = api(world.registrar_a).patch(f"/students/{student.pk}", {"current_address": new})
    assert response.status_code == 200, response.content
    assert response.json()["current_address"] == new
    student.refresh_from_db()
    assert student.current_address == new

    event = StatusEvent.objects.filter(student=student, kind="信息维护").get()
    assert event.changes["current_address"] == [old, new] and event.actor == world.registrar_a
    audit = AuditEvent.objects.filter(actor=world.registrar_a, action="student.update").get()
    assert audit.object_id == str(student.pk) and "current_address" in audit.details["fields"]

    history = api(world.registrar_a).get(f"/students/{student.pk}/events").json()
    assert [e["kind"] for e in history] == ["建档", "信息维护"]
    change = history[-1]["changes"][0]
    assert (change["field"], change["label"], change["old"], change["new"]) == ("current_address", "现住址", old, new)
    assert history[-1]["actor"] == "reg_a"


def test_patch_bad_values_are_422_and_change_nothing(world, api, roster):
    student = roster["a"]
    client = api(world.registrar_a)
    assert_error(client.patch(f"/students/{student.pk}", {"phone": "call me"}), 422, field="phone")
    assert_error(client.patch(f"/students/{student.pk}", {"grade": 9}), 422, field="grade")
    assert_error(client.patch(f"/students/{student.pk}", {"status": "在籍"}), 400)
    assert_error(client.patch(f"/students/{student.pk}", {"phone": {"mobile": "1"}}), 400)
    student.refresh_from_db()
    assert student.phone == "13835100001" and student.grade == 1 and student.status == "待注册"


def test_family_edits_keep_id_numbers_masked_in_the_history(world, api, roster):
    student = roster["a"]
    guardian_id = f.make_id(birth=date(1986, 1, 1), gender="2")
    response = api(world.registrar_a).patch(f"/students/{student.pk}", {"family": [
        {}, {"name": "李妈妈", "relation": "52", "phone": "13835100009", "id_type": "1", "id_number": guardian_id},
    ]})
    assert response.status_code == 200, response.content
    assert [m["name"] for m in response.json()["family"]] == ["王建国", "李妈妈"]
    history = api(world.registrar_a).get(f"/students/{student.pk}/events").content.decode()
    assert guardian_id not in history and mask_id(guardian_id) in history


@pytest.mark.parametrize("who, status", [("registrar_b", 404), ("county_yz", 404), ("auditor", 404),
                                         ("county_xd", 403), ("leader_a", 403)])
def test_patch_refusals(world, api, roster, who, status):
    student = roster["a"]
    assert_error(api(getattr(world, who)).patch(f"/students/{student.pk}", {"current_address": "别处"}), status)
    student.refresh_from_db()
    assert student.current_address != "别处"


# ------------------------------------------------------------------ events, reveal, photo


def test_events_are_refused_to_outsiders(world, api, roster):
    assert_error(api(world.county_yz).get(f"/students/{roster['a'].pk}/events"), 404)
    assert denied_rows(world.county_yz, object_id=str(roster["a"].pk)).exists()
    assert len(api(world.county_xd).get(f"/students/{roster['a'].pk}/events").json()) == 1


def test_reveal_id_needs_a_reason_and_is_audited(world, api, roster):
    student = roster["a"]
    client = api(world.county_xd)
    url = f"/students/{student.pk}/reveal-id"
    assert_error(client.post(url, {"reason": ""}), 422, field="reason", article="第四十四条")
    response = client.post(url, {"reason": "核对转学材料"})
    # No number issued yet: only the ID to reveal.
    assert response.status_code == 200 and response.json() == {"id_number": student.id_number, "student_number": None}
    assert AuditEvent.objects.filter(actor=world.county_xd, action="student.unmask_id",
                                     reason="核对转学材料").exists()


def test_reveal_id_refused_to_outsiders(world, api, roster):
    response = api(world.registrar_b).post(f"/students/{roster['a'].pk}/reveal-id", {"reason": "好奇"})
    body = assert_error(response, 404)
    assert roster["a"].id_number not in json.dumps(body)
    assert denied_rows(world.registrar_b, object_id=str(roster["a"].pk)).exists()
    assert not AuditEvent.objects.filter(action="student.unmask_id", outcome="ok").exists()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def put_photo(client, key, content, name="photo.jpg"):
    # Django's test client sends PUT bodies raw; encode the multipart form the way a browser would.
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    body = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile(name, content, "image/jpeg")})
    return client.put(f"{API}/students/{key}/photo", data=body, content_type=MULTIPART_CONTENT)


def test_photo_upload_and_read_back(world, api_for, roster, media):
    student = roster["a"]
    client = api_for(world.registrar_a)
    response = put_photo(client, student.pk, JPEG)
    assert response.status_code == 200, response.content
    url = response.json()["photo_url"]
    assert url == f"{API}/students/{student.pk}/photo"
    image = client.get(url)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert b"".join(image.streaming_content) == JPEG
    assert AuditEvent.objects.filter(actor=world.registrar_a, action="student.photo").exists()
    # The photo is personal data: no token, no photo; another school's token, 404.
    assert Client().get(url).status_code == 401
    assert_error(api_for(world.registrar_b).get(url), 404)


def test_photo_must_be_a_jpeg(world, api_for, roster, media):
    response = put_photo(api_for(world.registrar_a), roster["a"].pk, b"%PDF-1.4 not a photo", "scan.pdf")
    assert_error(response, 422, field="photo")
    roster["a"].refresh_from_db()
    assert not roster["a"].photo


def test_photo_upload_refusals(world, api_for, roster, media):
    assert_error(put_photo(api_for(world.registrar_b), roster["a"].pk, JPEG), 404)
    assert denied_rows(world.registrar_b, object_id=str(roster["a"].pk)).exists()
    assert_error(put_photo(api_for(world.county_xd), roster["a"].pk, JPEG), 403)
    roster["a"].refresh_from_db()
    assert not roster["a"].photo
