"""Registration (第十一条): registrar → school leader → competent authority; the number on final approval."""

import datetime

import pytest

from xueji.applications import services
from xueji.applications.models import Application, Step
from xueji.applications.permissions import inbox
from xueji.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from xueji.students.models import StatusEvent, StudentNumber


def test_registration_walks_both_approvals_and_issues_g_plus_id(world, make_student):
    student = make_student()
    app = services.submit(world.registrar_a, "registration", student)
    steps = list(app.steps.order_by("order"))
    assert [(s.role, s.org_code, s.status) for s in steps] == [
        ("leader", world.school_a.pk, "pending"), ("county", "140105", "waiting")]
    assert app.due_date == datetime.date.today() + datetime.timedelta(days=15)
    assert [s.application_id for s in inbox(world.leader_a)] == [app.pk]
    services.approve(world.leader_a, app.pk, comment="信息无误")
    assert [s.application_id for s in inbox(world.county_xd)] == [app.pk]
    services.approve(world.county_xd, app.pk)
    student.refresh_from_db()
    assert student.status == "在籍" and student.student_number == "G" + student.id_number
    assert StudentNumber.objects.get(number=student.student_number).kind == "G"
    assert StatusEvent.objects.filter(student=student, from_status="待注册", to_status="在籍").exists()
    assert Application.objects.get(pk=app.pk).status == "approved"


def test_high_school_registration_goes_to_the_city(world, make_student):
    student = make_student(school=world.high, grade=10, entry_mode="21")
    app = services.submit(world.registrar_high, "registration", student)
    assert app.steps.get(order=2).role == "city" and app.steps.get(order=2).org_code == "140100"


def test_student_without_id_gets_a_j_number(world, make_student):
    student = make_student(id_type="Z", id_number="")
    app = services.submit(world.registrar_a, "registration", student)
    services.approve(world.leader_a, app.pk)
    services.approve(world.county_xd, app.pk)
    student.refresh_from_db()
    assert student.student_number.startswith("J140105")


def test_unresolved_identity_gets_an_l_number(world, make_student):
    student = make_student()
    app = services.submit(world.registrar_a, "registration", student, {"identity_unresolved": True})
    services.approve(world.leader_a, app.pk)
    services.approve(world.county_xd, app.pk)
    student.refresh_from_db()
    assert student.student_number.startswith("L140105")


def test_wrong_person_cannot_approve_and_outsider_cannot_see(world, make_student):
    student = make_student()
    app = services.submit(world.registrar_a, "registration", student)
    with pytest.raises(Forbidden):
        services.approve(world.county_xd, app.pk)  # the leader's step comes first
    with pytest.raises(NotFound):
        services.approve(world.county_yz, app.pk)
    with pytest.raises(Forbidden):
        services.submit(world.leader_a, "registration", make_student(name="李雷"))


def test_already_registered_student_is_refused_with_article_11(world, make_student):
    student = make_student()
    app = services.submit(world.registrar_a, "registration", student)
    services.approve(world.leader_a, app.pk)
    services.approve(world.county_xd, app.pk)
    with pytest.raises(RuleViolation) as caught:
        services.submit(world.registrar_a, "registration", student)
    assert caught.value.violations[0].article == "第十一条"


def test_second_pending_application_is_a_conflict(world, make_student):
    student = make_student()
    services.submit(world.registrar_a, "registration", student)
    with pytest.raises(Conflict):
        services.submit(world.registrar_a, "registration", student)


def test_the_same_step_decided_twice_gives_409_and_applies_once(world, make_student):
    student = make_student()
    app = services.submit(world.registrar_a, "registration", student)
    services.approve(world.leader_a, app.pk, expected_step=1)
    with pytest.raises(Conflict):
        services.approve(world.leader_a, app.pk, expected_step=1)
    services.approve(world.county_xd, app.pk, expected_step=2)
    with pytest.raises(Conflict):
        services.approve(world.county_xd, app.pk, expected_step=2)
    assert StudentNumber.objects.filter(student=student).count() == 1


def test_reject_needs_a_reason_and_closes_the_application(world, make_student):
    student = make_student()
    app = services.submit(world.registrar_a, "registration", student)
    with pytest.raises(RuleViolation):
        services.reject(world.leader_a, app.pk, comment="")
    services.reject(world.leader_a, app.pk, comment="出生日期与户口簿不符")
    app.refresh_from_db()
    assert app.status == "rejected" and app.steps.get(order=2).status == "cancelled"
    student.refresh_from_db()
    assert student.status == "待注册" and student.student_number is None


def test_only_the_starter_cancels_and_the_application_stays(world, make_student):
    student = make_student()
    app = services.submit(world.registrar_a, "registration", student)
    with pytest.raises(Forbidden):
        services.cancel(world.leader_a, app.pk)
    services.cancel(world.registrar_a, app.pk)
    assert Application.objects.get(pk=app.pk).status == "cancelled"
    assert not Step.objects.filter(application=app, status="pending").exists()


def test_batch_approval_reports_each(world, make_student):
    apps = [services.submit(world.registrar_a, "registration", make_student(name=f"学生{i}")) for i in range(3)]
    result = services.approve_many(world.leader_a, [a.pk for a in apps] + [999999])
    assert result["approved"] == [a.pk for a in apps]
    assert result["failed"][0]["id"] == 999999 and result["failed"][0]["status"] == 404
