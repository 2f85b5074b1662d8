"""Student pages: search, the record, editing uncontrolled items, a new record and revealing an ID number."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from tests.web.conftest import form_data, rows, text
from xueji.core.masking import mask_id
from xueji.students.models import StatusEvent, Student
from xueji.students.numbers import issue_number

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200


def search(client, **params):
    return client.get("/students/", params)


def names(response) -> list[str]:
    return [s.name for s in response.context["students"]]


# ------------------------------------------------------------------ search


def test_search_finds_by_name_including_a_rare_character(world, client_for, make_student):
    make_student(name="𠮷祥")
    make_student(name="王小明")
    client = client_for(world.registrar_a)
    assert names(search(client, q="𠮷")) == ["𠮷祥"]
    assert names(search(client, q="小明")) == ["王小明"]
    assert "𠮷祥" in text(search(client, q="𠮷祥"))


def test_search_finds_by_student_number_and_by_id_number(world, client_for, make_student):
    student = make_student(name="张三")
    issue_number(student)
    student.refresh_from_db()
    client = client_for(world.county_xd)
    assert names(search(client, q=student.student_number)) == ["张三"]
    assert names(search(client, q=student.student_number.lower())) == ["张三"]
    assert names(search(client, q=student.id_number)) == ["张三"]


def test_search_never_returns_another_countys_students(world, client_for, make_student):
    ours = make_student(name="同名生")
    theirs = make_student(school=world.school_b, name="同名生")
    client = client_for(world.county_xd)
    assert [s.pk for s in search(client, q="同名生").context["students"]] == [ours.pk]
    assert names(search(client, q=theirs.id_number)) == []
    assert names(search(client_for(world.registrar_b), q=ours.id_number)) == []


def test_search_shows_only_masked_id_numbers_and_is_audited(world, client_for, make_student):
    student = make_student(name="张三")
    response = search(client_for(world.registrar_a), q="张三")
    body = text(response)
    assert student.id_number not in body and mask_id(student.id_number) in body
    event = rows(world.registrar_a, action="student.search").latest("id")
    assert event.details["q"] == "张三" and event.details["count"] == 1


def test_search_filters_by_school_status_and_grade(world, client_for, make_student):
    make_student(name="一年级生")
    make_student(name="二年级生", grade=2, entry_month="202409")
    make_student(school=world.school_a2, name="初中生", grade=7, entry_mode="11", birth=date(2012, 5, 1))
    client = client_for(world.county_xd)
    assert names(search(client, grade="2")) == ["二年级生"]
    assert sorted(names(search(client, school=world.school_a.pk))) == ["一年级生", "二年级生"]
    assert names(search(client, status="在籍")) == []
    assert len(search(client, status="待注册").context["students"]) == 3


def test_search_without_criteria_asks_for_them(world, client_for, make_student):
    make_student()
    response = search(client_for(world.registrar_a))
    assert response.context["page_obj"] is None and "请输入姓名" in text(response)
    assert not rows(world.registrar_a, action="student.search").exists()


def test_search_pages_through_many_results(world, client_for):
    Student.objects.bulk_create([
        Student(school=world.school_a, grade=1, name=f"批量{n:02d}", gender="1", birth_date="2018-01-01",
                id_type="1") for n in range(35)
    ])
    client = client_for(world.registrar_a)
    first, second = search(client, q="批量"), search(client, q="批量", page="2")
    assert len(first.context["students"]) == 30 and len(second.context["students"]) == 5
    assert "第 1 / 2 页" in text(first)


# ------------------------------------------------------------------ the student's page


def test_student_page_shows_every_section_and_a_masked_id(world, client_for, make_student):
    student = make_student(name="𠮷祥")
    response = client_for(world.registrar_a).get(f"/students/{student.key}/")
    assert response.status_code == 200
    body = text(response)
    for title in ("基础信息", "辅助信息", "学籍基本信息", "联系信息", "扩展信息", "上下学交通", "家庭成员或监护人"):
        assert title in body
    assert "𠮷祥" in body and "汉族" in body and "王建国" in body and "父亲" in body
    assert mask_id(student.id_number) in body and "显示完整证件号" in body and "建档" in body
    assert rows(world.registrar_a, action="student.view", object_id=student.key).exists()


@pytest.mark.parametrize("who", ["registrar_a", "county_xd"])
def test_no_unmasked_id_number_anywhere_on_the_student_page(world, client_for, make_student, who):
    # Not in the text, not in a form field's value: the whole number is shown only after a reasoned reveal.
    student = make_student()
    body = text(client_for(getattr(world, who)).get(f"/students/{student.key}/"))
    assert student.id_number not in body
    assert student.family.get().id_number not in body


def test_the_student_is_also_reached_by_his_student_number(world, client_for, make_student):
    student = make_student()
    issue_number(student)
    student.refresh_from_db()
    assert client_for(world.county_xd).get(f"/students/{student.student_number}/").status_code == 200


@pytest.mark.parametrize("who", ["county_yz", "registrar_b", "registrar_a2", "city_dt", "auditor"])
def test_an_outsider_is_told_the_student_does_not_exist(world, client_for, make_student, who):
    student = make_student()
    user = getattr(world, who)
    response = client_for(user).get(f"/students/{student.key}/")
    assert response.status_code == 404 and "未找到" in text(response)
    assert student.id_number not in text(response)
    assert rows(user, action="student.view", outcome="denied", object_id=student.key).exists()


def test_a_missing_student_is_not_found(world, client_for):
    assert client_for(world.registrar_a).get("/students/999999/").status_code == 404
    assert client_for(world.registrar_a).get("/students/not-a-key/").status_code == 404


# ------------------------------------------------------------------ revealing the ID number


def test_reveal_asks_for_a_reason(world, client_for, make_student):
    student = make_student()
    response = client_for(world.registrar_a).post(f"/students/{student.key}/reveal-id/", {"reason": ""})
    assert response.status_code == 422
    assert "查阅事由" in text(response) and "第四十四条" in text(response)
    assert not response.context.get("revealed_id")
    assert not rows(action="student.unmask_id").exists()


def test_reveal_with_a_reason_shows_the_number_and_writes_an_audit_row(world, client_for, make_student):
    student = make_student()
    response = client_for(world.county_xd).post(
        f"/students/{student.key}/reveal-id/", {"reason": "核对转学申请材料"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = text(response)
    assert student.id_number in body and "<html" not in body  # an htmx fragment, not a page
    event = rows(world.county_xd, action="student.unmask_id").get()
    assert event.reason == "核对转学申请材料" and event.object_id == student.key


def test_reveal_without_htmx_renders_the_whole_page(world, client_for, make_student):
    student = make_student()
    response = client_for(world.registrar_a).post(f"/students/{student.key}/reveal-id/", {"reason": "家长来电核对"})
    assert response.status_code == 200 and "<html" in text(response) and student.id_number in text(response)


def test_htmx_reveal_without_reason_returns_the_form_with_the_message(world, client_for, make_student):
    student = make_student()
    response = client_for(world.registrar_a).post(
        f"/students/{student.key}/reveal-id/", {"reason": " "}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "查阅事由" in text(response) and student.id_number not in text(response)


def test_an_outsider_cannot_reveal(world, client_for, make_student):
    student = make_student()
    response = client_for(world.county_yz).post(f"/students/{student.key}/reveal-id/", {"reason": "好奇"})
    assert response.status_code == 404 and student.id_number not in text(response)
    assert rows(world.county_yz, action="student.unmask_id", outcome="denied").exists()


def test_reveal_needs_a_post(world, client_for, make_student):
    student = make_student()
    assert client_for(world.registrar_a).get(f"/students/{student.key}/reveal-id/").status_code == 405


# ------------------------------------------------------------------ editing


def test_edit_page_shows_controlled_items_read_only_with_the_article(world, client_for, make_student):
    student = make_student()
    response = client_for(world.registrar_a).get(f"/students/{student.key}/edit/")
    assert response.status_code == 200
    body = text(response)
    assert "受控信息,须通过信息变更申请办理(第十五条)" in body
    assert 'name="name"' not in body and 'name="id_number"' not in body
    assert 'name="current_address"' in body and 'name="family-0-phone"' in body
    assert student.id_number not in body


def test_editing_current_address_saves_and_appears_in_the_history(world, client_for, make_student):
    student = make_student()
    client = client_for(world.registrar_a)
    new_address = "山西省太原市小店区长治路100号"
    response = client.post(f"/students/{student.key}/edit/", {"current_address": new_address})
    assert response.status_code == 302 and response["Location"] == f"/students/{student.key}/"
    student.refresh_from_db()
    assert student.current_address == new_address
    event = StatusEvent.objects.filter(student=student, kind="信息维护").get()
    assert event.changes["current_address"][1] == new_address and set(event.changes) == {"current_address"}
    assert rows(world.registrar_a, action="student.update").exists()
    page = text(client.get(response["Location"]))
    assert "已保存修改:现住址" in page and "现住址:" in page and new_address in page


def test_the_whole_form_posted_back_changes_only_what_was_typed(world, client_for, make_student):
    student = make_student()
    client = client_for(world.registrar_a)
    initial = client.get(f"/students/{student.key}/edit/").context
    values = {f["name"]: f["value"] for s in initial["sections"] for f in s["fields"] if f["editable"]}
    values |= {f["name"]: f["value"] for b in initial["family"] for f in b["fields"]}
    values["phone"] = "13935100009"
    assert client.post(f"/students/{student.key}/edit/", values).status_code == 302
    event = StatusEvent.objects.get(student=student, kind="信息维护")
    assert set(event.changes) == {"phone"}


def test_editing_a_family_member_keeps_the_block_whole(world, client_for, make_student):
    student = make_student()
    response = client_for(world.registrar_a).post(f"/students/{student.key}/edit/",
                                                  {"family-0-employer": "太原市第一建筑公司"})
    assert response.status_code == 302
    member = student.family.get(position=1)
    assert member.employer == "太原市第一建筑公司" and member.name == "王建国"


@pytest.mark.parametrize(("field", "value"), [("name", "王大明"), ("id_number", "140105201503020000"),
                                              ("birth_date", "2015-04-01")])
def test_editing_a_controlled_item_is_refused_naming_article_15(world, client_for, make_student, field, value):
    student = make_student()
    response = client_for(world.registrar_a).post(f"/students/{student.key}/edit/", {field: value})
    assert response.status_code == 422
    body = text(response)
    assert "第十五条" in body and "受控信息" in body
    assert response.context["errors"][field]
    student.refresh_from_db()
    assert getattr(student, field) != value and not StatusEvent.objects.filter(kind="信息维护").exists()


def test_a_bad_value_is_reported_beside_its_field(world, client_for, make_student):
    student = make_student()
    response = client_for(world.registrar_a).post(f"/students/{student.key}/edit/", {"postcode": "03000"})
    assert response.status_code == 422
    assert response.context["errors"]["postcode"]
    field = next(f for s in response.context["sections"] for f in s["fields"] if f["name"] == "postcode")
    assert field["errors"] and field["value"] == "03000"
    assert 'class="field has-error' in text(response)
    student.refresh_from_db()
    assert student.postcode == "030006"


def test_posting_nothing_changed_saves_nothing(world, client_for, make_student):
    student = make_student()
    response = client_for(world.registrar_a).post(f"/students/{student.key}/edit/", {})
    assert response.status_code == 302 and not StatusEvent.objects.filter(kind="信息维护").exists()


@pytest.mark.parametrize("who", ["county_xd", "leader_a", "province_officer"])
def test_only_the_schools_registrar_may_edit(world, client_for, make_student, who):
    student = make_student()
    client = client_for(getattr(world, who))
    assert client.get(f"/students/{student.key}/edit/").status_code == 403
    assert client.post(f"/students/{student.key}/edit/", {"current_address": "别处"}).status_code == 403
    student.refresh_from_db()
    assert student.current_address != "别处"


@pytest.mark.parametrize("who", ["registrar_b", "county_yz", "auditor"])
def test_an_outsider_cannot_open_the_edit_page(world, client_for, make_student, who):
    student = make_student()
    client = client_for(getattr(world, who))
    assert client.get(f"/students/{student.key}/edit/").status_code == 404
    assert client.post(f"/students/{student.key}/edit/", {"current_address": "别处"}).status_code == 404


def test_photo_upload_stores_a_jpeg_and_refuses_other_files(world, client_for, make_student, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    student = make_student()
    client = client_for(world.registrar_a)
    refused = client.post(f"/students/{student.key}/photo/",
                          {"photo": SimpleUploadedFile("a.png", b"\x89PNG....", content_type="image/png")})
    assert refused.status_code == 302 and "JPG" in text(client.get(refused["Location"]))
    done = client.post(f"/students/{student.key}/photo/",
                       {"photo": SimpleUploadedFile("a.jpg", JPEG, content_type="image/jpeg")})
    assert done.status_code == 302
    student.refresh_from_db()
    assert student.photo
    assert "data:image/jpeg;base64," in text(client.get(f"/students/{student.key}/"))


def test_an_outsider_cannot_upload_a_photo(world, client_for, make_student):
    student = make_student()
    response = client_for(world.registrar_b).post(
        f"/students/{student.key}/photo/", {"photo": SimpleUploadedFile("a.jpg", JPEG, content_type="image/jpeg")})
    assert response.status_code == 404


# ------------------------------------------------------------------ a new record


def test_registrar_creates_a_student_through_the_form(world, client_for):
    client = client_for(world.registrar_a)
    form = client.get("/students/new/")
    assert form.status_code == 200 and "新建学生" in text(form) and 'name="name"' in text(form)
    data = form_data(name="𠮷小红", gender="2", school_class=str(world.class_a1.pk))
    response = client.post("/students/new/", data)
    assert response.status_code == 302
    student = Student.objects.get(name="𠮷小红")
    assert (student.school, student.school_class, student.status) == (world.school_a, world.class_a1, "待注册")
    assert student.family.get().name == "王建国"
    assert response["Location"] == f"/students/{student.key}/"
    assert rows(world.registrar_a, action="student.create", object_id=student.key).exists()


def test_a_new_record_with_errors_shows_each_beside_its_field_and_saves_nothing(world, client_for):
    data = form_data()
    data.update(name="", postcode="12", **{"family-0-phone": ""})
    response = client_for(world.registrar_a).post("/students/new/", data)
    assert response.status_code == 422
    errors = response.context["errors"]
    assert errors["name"] and errors["postcode"] and errors["family[0].phone"]
    assert response.context["family"][0]["fields"][7]["errors"]  # 成员1联系电话
    assert not Student.objects.exists()


def test_a_duplicate_id_number_is_refused_with_article_14(world, client_for, make_student):
    existing = make_student()
    response = client_for(world.registrar_a).post("/students/new/", form_data(id_number=existing.id_number))
    assert response.status_code == 409 and "第十四条" in text(response)
    assert Student.objects.count() == 1


@pytest.mark.parametrize("who", ["leader_a", "county_xd", "auditor"])
def test_only_a_registrar_opens_new_records(world, client_for, who):
    client = client_for(getattr(world, who))
    assert client.get("/students/new/").status_code == 403
    assert client.post("/students/new/", form_data()).status_code == 403
    assert not Student.objects.exists()


def test_the_new_record_form_starts_with_common_defaults(world, client_for):
    response = client_for(world.registrar_a).get("/students/new/")
    values = {f["name"]: f["value"] for s in response.context["sections"] for f in s["fields"]}
    assert values["nationality"] == "CHN" and values["id_type"] == "1" and values["name"] == ""


def test_factories_id_matches_the_masked_form(world):
    number = f.make_id()
    assert mask_id(number) == number[:4] + "*" * 10 + number[-4:]


def test_the_history_names_what_the_registry_recorded_in_chinese(world, client_for, make_student):
    # Items the registry sets itself (the number a registration issues, the batch that opened the record) are not
    # items of the form; the history still names them in Chinese, never by their code names.
    student = make_student()
    StatusEvent.objects.create(student=student, kind="建档", from_status="", to_status="待注册",
                               school=student.school, actor=world.registrar_a, changes={"batch": 7})
    StatusEvent.objects.create(student=student, kind="学籍注册", from_status="待注册", to_status="在籍",
                               school=student.school, actor=world.county_xd,
                               changes={"student_number": [None, "G" + student.id_number]})
    page = text(client_for(world.registrar_a).get(f"/students/{student.key}/"))
    # The issued G number is the ID with a letter in front: the history masks it like the ID.
    assert "学籍号:(空) → G" + mask_id(student.id_number) in page and "导入批次:7" in page
    assert student.id_number not in page
    assert "student_number" not in page and "batch:" not in page and "(空) → 7" not in page


def test_every_registry_item_a_history_may_hold_has_a_chinese_name():
    from xueji.students.change_labels import EVENT_ITEM_LABELS, change_label

    assert all(label and not label.isascii() for label in EVENT_ITEM_LABELS.values())
    assert change_label("name") == "姓名" and change_label("family[1].phone") == "成员2联系电话"
    assert change_label("student_number") == "学籍号"
