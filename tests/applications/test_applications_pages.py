"""Application pages: the inbox with deadlines and batch approval, the application with its timeline and
decision forms, evidence download, the overdue list, and filing from the student, school and class pages."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from tests.applications.conftest import PDF
from tests.web.conftest import text
from xueji.applications import services
from xueji.applications.models import Application, Step
from xueji.applications.selectors import FALLBACK_NOTE
from xueji.audit.models import AuditEvent
from xueji.students.models import Student, StudentNumber
from xueji.workdays.services import clear_cache

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today


@pytest.fixture(autouse=True)
def fresh_calendar():
    clear_cache()
    yield
    clear_cache()


def registration(world, student):
    return services.submit(world.registrar_a, "registration", student)


def scan(name="户口簿.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def name_change(world, student, new="王晓明"):
    return services.submit(world.registrar_a, "info_change", student, {"changes": {"name": new}}, evidence=[scan()])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# ------------------------------------------------------------------ inbox


def test_inbox_lists_the_leaders_steps_with_due_dates_and_a_nav_count(world, client_for, make_student):
    app = registration(world, make_student(name="张小红"))
    response = client_for(world.leader_a).get("/applications/inbox/")
    assert response.status_code == 200
    assert [r["app"].pk for r in response.context["rows"]] == [app.pk]
    body = text(response)
    assert "张小红" in body and "剩余15天" in body and 'name="ids"' in body
    badge = next(i for i in response.context["nav_items"] if i["label"] == "待办审批")
    assert badge["badge"] == 1 and 'data-testid="nav-badge">1<' in body
    assert AuditEvent.objects.filter(actor=world.leader_a, action="application.search").exists()


def test_inbox_shows_only_the_right_users_steps(world, client_for, make_student):
    app = registration(world, make_student())
    leader_b = f.user("lead_b", "leader", school=world.school_b)

    def inbox(user):
        return [r["app"].pk for r in client_for(user).get("/applications/inbox/").context["rows"]]

    assert inbox(leader_b) == [] and inbox(world.county_xd) == [] and inbox(world.registrar_a) == []
    services.approve(world.leader_a, app.pk)
    assert inbox(world.leader_a) == [] and inbox(world.county_xd) == [app.pk]
    assert inbox(world.county_yz) == [] and inbox(world.city_ty) == []


def test_deadlines_are_red_when_overdue_amber_when_near(world, client_for, make_student):
    late, near = registration(world, make_student(name="迟")), registration(world, make_student(name="近"))
    Application.objects.filter(pk=late.pk).update(due_date=TODAY() - datetime.timedelta(days=1))
    Application.objects.filter(pk=near.pk).update(due_date=TODAY() + datetime.timedelta(days=2))
    response = client_for(world.leader_a).get("/applications/inbox/")
    rows = {r["app"].pk: r for r in response.context["rows"]}
    assert rows[late.pk]["due"].level == "overdue" and rows[near.pk]["due"].level == "soon"
    body = text(response)
    assert "已逾期1天" in body and "剩余2天" in body
    assert 'class="badge over" data-level="overdue"' in body and 'class="badge near" data-level="soon"' in body
    # Soonest first: the late one heads the list.
    assert [r["app"].pk for r in response.context["rows"]] == [late.pk, near.pk]


def test_a_step_due_in_a_year_without_holiday_data_says_it_counts_monday_to_friday(world, client_for,
                                                                                  make_student):
    app = registration(world, make_student())
    Step.objects.filter(application=app, order=1).update(working_days=10, due_date=datetime.date(2031, 3, 3))
    response = client_for(world.leader_a).get("/applications/inbox/")
    assert FALLBACK_NOTE in text(response)
    assert response.context["rows"][0]["step_due"].unit == "个工作日"


def test_batch_approval_from_the_inbox_reports_each(world, client_for, make_student):
    apps = [registration(world, make_student(name=f"学生{i}")) for i in range(2)]
    theirs = services.submit(world.registrar_b, "registration", make_student(school=world.school_b))
    client = client_for(world.leader_a)
    response = client.post("/applications/inbox/approve/",
                           {"ids": [a.pk for a in apps] + [theirs.pk], "comment": "已核对"}, follow=True)
    notes = messages_of(response)
    assert "已通过2件申请。" in notes
    assert any(str(theirs.pk) in n and "未找到" in n for n in notes)
    assert Step.objects.filter(application__in=apps, order=1, status="approved", comment="已核对").count() == 2
    assert Step.objects.get(application=theirs, order=1).status == "pending"
    assert "请先勾选" in messages_of(client.post("/applications/inbox/approve/", {}, follow=True))[0]


def test_the_auditor_has_no_inbox_and_an_anonymous_visitor_logs_in(world, client_for):
    from django.test import Client

    assert client_for(world.auditor).get("/applications/inbox/").status_code == 403
    assert client_for(world.auditor).get("/applications/").status_code == 403
    assert Client().get("/applications/inbox/").status_code == 302
    labels = [i["label"] for i in client_for(world.auditor).get("/").context["nav_items"]]
    assert "待办审批" not in labels and "申请记录" not in labels


# ------------------------------------------------------------------ one application


def test_application_page_shows_the_student_the_diff_the_timeline_and_evidence(world, client_for, make_student):
    app = name_change(world, make_student(name="王小明"))
    services.approve(world.leader_a, app.pk, comment="与户口簿一致")
    response = client_for(world.county_xd).get(f"/applications/{app.pk}/")
    assert response.status_code == 200
    assert [(c["label"], c["old_text"], c["new_text"]) for c in response.context["changes"]] == [
        ("姓名", "王小明", "王晓明")]
    body = text(response)
    assert "学校审核" in body and "与户口簿一致" in body and "lead_a" in body
    evidence = app.evidence.get()
    assert f"/applications/{app.pk}/evidence/{evidence.pk}/" in body
    assert response.context["can_decide"] and 'name="expected_step" value="2"' in body
    assert not client_for(world.leader_a).get(f"/applications/{app.pk}/").context["can_decide"]
    assert AuditEvent.objects.filter(actor=world.county_xd, action="application.view",
                                     object_id=str(app.pk)).exists()


def test_approving_from_the_page_applies_once_and_a_stale_second_click_is_a_conflict(world, client_for,
                                                                                     make_student):
    student = make_student()
    app = registration(world, student)
    leader = client_for(world.leader_a)
    done = leader.post(f"/applications/{app.pk}/approve/", {"expected_step": "1", "comment": "同意"})
    assert done.status_code == 302 and done["Location"] == f"/applications/{app.pk}/"
    again = leader.post(f"/applications/{app.pk}/approve/", {"expected_step": "1"})
    assert again.status_code == 409
    assert "该环节已由他人办理" in text(again) and 'data-testid="decision-errors"' in text(again)
    county = client_for(world.county_xd)
    assert county.post(f"/applications/{app.pk}/approve/", {"expected_step": "2"}).status_code == 302
    assert county.post(f"/applications/{app.pk}/approve/", {"expected_step": "2"}).status_code == 409
    student.refresh_from_db()
    assert student.student_number == "G" + student.id_number
    assert StudentNumber.objects.filter(student=student).count() == 1


def test_reject_from_the_page_requires_a_reason(world, client_for, make_student):
    app = registration(world, make_student())
    leader = client_for(world.leader_a)
    refused = leader.post(f"/applications/{app.pk}/reject/", {"expected_step": "1", "comment": ""})
    assert refused.status_code == 422 and "驳回须填写理由" in text(refused)
    assert leader.post(f"/applications/{app.pk}/reject/",
                       {"expected_step": "1", "comment": "照片不合格"}).status_code == 302
    app.refresh_from_db()
    assert app.status == "rejected" and app.steps.get(order=1).comment == "照片不合格"


def test_the_wrong_role_sees_a_forbidden_message_and_only_the_starter_cancels(world, client_for, make_student):
    app = registration(world, make_student())
    wrong = client_for(world.county_xd).post(f"/applications/{app.pk}/approve/", {"expected_step": "1"})
    assert wrong.status_code == 403 and "学校学籍主管领导" in text(wrong)
    assert client_for(world.leader_a).post(f"/applications/{app.pk}/cancel/").status_code == 403
    page = client_for(world.registrar_a).get(f"/applications/{app.pk}/")
    assert page.context["can_cancel"] and not page.context["can_decide"]
    assert client_for(world.registrar_a).post(f"/applications/{app.pk}/cancel/").status_code == 302
    app.refresh_from_db()
    assert app.status == "cancelled"
    assert client_for(world.registrar_a).get(f"/applications/{app.pk}/").status_code == 200


def test_outsiders_get_404_on_the_application_its_forms_and_its_evidence(world, client_for, make_student):
    app = name_change(world, make_student())
    evidence = app.evidence.get()
    paths = [f"/applications/{app.pk}/", f"/applications/{app.pk}/evidence/{evidence.pk}/"]
    for outsider in (world.county_yz, world.registrar_b, world.city_dt):
        client = client_for(outsider)
        for path in paths:
            assert client.get(path).status_code == 404
        assert client.post(f"/applications/{app.pk}/approve/", {"expected_step": "1"}).status_code == 404
        assert client.post(f"/applications/{app.pk}/cancel/").status_code == 404
    for path in paths:
        assert client_for(world.auditor).get(path).status_code == 403
    assert AuditEvent.objects.filter(actor=world.county_yz, action="application.evidence_view",
                                     outcome="denied").exists()
    assert Application.objects.get(pk=app.pk).status == "pending"


def test_evidence_streams_to_those_who_may_see_the_application(world, client_for, make_student):
    app = name_change(world, make_student())
    evidence = app.evidence.get()
    response = client_for(world.county_xd).get(f"/applications/{app.pk}/evidence/{evidence.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert client_for(world.county_xd).get(f"/applications/{app.pk}/evidence/999999/").status_code == 404


def test_the_school_adds_evidence_on_the_page(world, client_for, make_student):
    app = registration(world, make_student())
    client = client_for(world.registrar_a)
    ok = client.post(f"/applications/{app.pk}/evidence/", {"file": scan("出生证明.pdf"), "kind": "出生医学证明"},
                     follow=True)
    assert "证明材料已上传。" in messages_of(ok)
    bad = client.post(f"/applications/{app.pk}/evidence/",
                      {"file": SimpleUploadedFile("a.txt", b"hello")}, follow=True)
    assert any("JPG、PNG或PDF" in m for m in messages_of(bad))
    assert client_for(world.county_yz).post(f"/applications/{app.pk}/evidence/",
                                            {"file": scan()}).status_code == 404
    assert list(app.evidence.values_list("kind", flat=True)) == ["出生医学证明"]


# ------------------------------------------------------------------ overdue list


def test_overdue_list_groups_late_registrations_by_school(world, client_for, make_student):
    late = registration(world, make_student(name="逾期申请"))
    Application.objects.filter(pk=late.pk).update(due_date=TODAY() - datetime.timedelta(days=3))
    registration(world, make_student(name="按期申请"))
    forgotten = make_student(school=world.school_a2, name="未提交", grade=7)
    Student.objects.filter(pk=forgotten.pk).update(
        created_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=20))
    make_student(school=world.school_a2, name="新生", grade=7)  # entered today: not late
    response = client_for(world.county_xd).get("/applications/overdue/")
    assert response.status_code == 200
    groups = {g["school"].pk: g for g in response.context["groups"]}
    assert set(groups) == {world.school_a.pk, world.school_a2.pk}
    assert [r["app"].pk for r in groups[world.school_a.pk]["rows"]] == [late.pk]
    assert [s.name for s in groups[world.school_a2.pk]["students"]] == ["未提交"]
    body = text(response)
    assert "已逾期3天" in body and "第十一条" in body and "按期申请" not in body
    assert client_for(world.county_yz).get("/applications/overdue/").context["groups"] == []
    assert client_for(world.auditor).get("/applications/overdue/").status_code == 403


def test_application_list_filters_and_keeps_closed_applications(world, client_for, make_student):
    app = registration(world, make_student())
    services.cancel(world.registrar_a, app.pk)
    client = client_for(world.county_xd)
    assert [r["app"].pk for r in client.get("/applications/").context["rows"]] == [app.pk]
    assert client.get("/applications/", {"status": "pending"}).context["rows"] == []
    assert "申请状态“maybe”不存在" in text(client.get("/applications/", {"status": "maybe"}))
    assert client_for(world.county_yz).get("/applications/").context["rows"] == []


# ------------------------------------------------------------------ filing from the student page


def test_registrar_files_the_registration_from_the_student_page(world, client_for, make_student):
    student = make_student(name="李雷")
    client = client_for(world.registrar_a)
    page = client.get(f"/students/{student.pk}/")
    assert "提交注册申请" in text(page) and "申请变更受控信息" in text(page)
    response = client.post(f"/students/{student.pk}/register/")
    app = Application.objects.get(student=student, type="registration")
    assert response.status_code == 302 and response["Location"] == f"/applications/{app.pk}/"
    page = text(client.get(f"/students/{student.pk}/"))
    assert "提交注册申请" not in page and f"/applications/{app.pk}/" in page
    again = client.post(f"/students/{student.pk}/register/", follow=True)
    assert any("请勿重复提交" in m for m in messages_of(again))


def test_only_the_schools_registrar_may_file_from_the_student_page(world, client_for, make_student):
    student = make_student()
    assert "提交注册申请" not in text(client_for(world.leader_a).get(f"/students/{student.pk}/"))
    assert "提交注册申请" not in text(client_for(world.county_xd).get(f"/students/{student.pk}/"))
    assert client_for(world.leader_a).post(f"/students/{student.pk}/register/").status_code == 403
    assert client_for(world.registrar_b).post(f"/students/{student.pk}/register/").status_code == 404
    assert client_for(world.leader_a).get(f"/students/{student.pk}/info-change/").status_code == 403
    assert client_for(world.registrar_b).get(f"/students/{student.pk}/info-change/").status_code == 404
    assert not Application.objects.exists()


def test_info_change_form_sends_only_what_changed_with_the_scans(world, client_for, make_student):
    student = make_student(name="王小明")
    client = client_for(world.registrar_a)
    form = client.get(f"/students/{student.pk}/info-change/")
    assert "第十五条" in text(form) and form.context["values"]["name"] == "王小明"
    values = dict(form.context["values"], name="王晓明", reason="依户口簿更正", evidence_kind="户口簿")
    response = client.post(f"/students/{student.pk}/info-change/", {**values, "evidence": [scan()]})
    app = Application.objects.get(student=student, type="info_change")
    assert response.status_code == 302 and response["Location"] == f"/applications/{app.pk}/"
    assert app.payload == {"changes": {"name": "王晓明"}} and app.reason == "依户口簿更正"
    assert list(app.evidence.values_list("kind", flat=True)) == ["户口簿"]
    services.approve(world.leader_a, app.pk)
    services.approve(world.county_xd, app.pk)
    history = text(client.get(f"/students/{student.pk}/"))
    assert "王小明 → 王晓明" in history


def test_info_change_form_without_evidence_is_refused_with_the_article(world, client_for, make_student):
    student = make_student(name="王小明")
    client = client_for(world.registrar_a)
    values = dict(client.get(f"/students/{student.pk}/info-change/").context["values"], name="王晓明")
    response = client.post(f"/students/{student.pk}/info-change/", values)
    assert response.status_code == 422
    assert "第十五条" in text(response) and response.context["values"]["name"] == "王晓明"
    unchanged = client.post(f"/students/{student.pk}/info-change/",
                            {**client.get(f"/students/{student.pk}/info-change/").context["values"],
                             "evidence": [scan()]})
    assert unchanged.status_code == 422 and "请填写要变更的受控信息" in text(unchanged)
    assert not Application.objects.exists()


def test_the_form_never_shows_the_whole_id_number_and_a_blank_id_box_means_unchanged(world, client_for,
                                                                                   make_student):
    student = make_student()
    client = client_for(world.registrar_a)
    for path in (f"/students/{student.pk}/", f"/students/{student.pk}/info-change/"):
        body = text(client.get(path))
        assert student.id_number not in body and "1401**********" in body
    values = client.get(f"/students/{student.pk}/info-change/").context["values"]
    assert values["id_number"] == ""
    new_id = f.make_id(birth=student.birth_date, gender="1", seq=77)
    client.post(f"/students/{student.pk}/info-change/", {**values, "id_number": new_id, "evidence": [scan()]})
    app = Application.objects.get(student=student)
    assert app.payload == {"changes": {"id_number": new_id}}
    page = text(client.get(f"/applications/{app.pk}/"))
    assert new_id not in page and student.id_number not in page


# ------------------------------------------------------------------ 全部提交注册 on the school and class pages


def test_register_all_from_the_school_page_reports_each_student(world, client_for, make_student):
    good = make_student(name="甲", school_class=str(world.class_a1.pk))
    broken = make_student(name="乙")
    Student.objects.filter(pk=broken.pk).update(ethnicity="")
    registration(world, make_student(name="丙"))  # already under way: left out
    client = client_for(world.registrar_a)
    assert "全部提交注册(2名)" in text(client.get(f"/schools/{world.school_a.pk}/"))
    assert "全部提交注册(1名)" in text(client.get(f"/classes/{world.class_a1.pk}/"))
    response = client.post(f"/schools/{world.school_a.pk}/register-all/")
    assert response.status_code == 200
    assert (response.context["submitted"], response.context["failed"]) == (1, 1)
    assert "第十一条" in text(response)
    assert Application.objects.filter(student=good, type="registration").exists()
    assert not Application.objects.filter(student=broken).exists()
    assert "全部提交注册" not in text(client_for(world.leader_a).get(f"/schools/{world.school_a.pk}/"))


def test_register_all_for_one_class_and_refusals(world, client_for, make_student):
    in_class = make_student(name="班内", school_class=str(world.class_a1.pk))
    outside = make_student(name="班外")
    response = client_for(world.registrar_a).post(f"/schools/{world.school_a.pk}/register-all/",
                                                  {"class": str(world.class_a1.pk)})
    assert response.context["submitted"] == 1
    assert Application.objects.filter(student=in_class).exists()
    assert not Application.objects.filter(student=outside).exists()
    assert client_for(world.county_xd).post(f"/schools/{world.school_a.pk}/register-all/").status_code == 403
    assert client_for(world.registrar_b).post(f"/schools/{world.school_a.pk}/register-all/").status_code == 404
