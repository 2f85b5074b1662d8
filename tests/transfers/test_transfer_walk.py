"""A cross-county transfer (小店区 → 迎泽区) that walks all four steps, each due 10 working days after it
starts (第二十二条), and ends with the student at the new school, the old school still reading its part, and
the history intact.

The family's workplace moved from 大同市平城区 to 太原市迎泽区 (第十七条 务工地跨市变化). A move between 小店区 and
迎泽区 themselves would be a 同城区内迁移, which 第十七条 does not count (see test_transfer_rules).
"""

import datetime

import pytest

from tests.transfers.conftest import MOVE, proofs
from xueji.applications import services as engine
from xueji.applications.models import Application, Step
from xueji.applications.permissions import ApplicationPolicy
from xueji.audit.models import AuditEvent
from xueji.core.errors import NotFound, RuleViolation
from xueji.students.models import Enrolment, StatusEvent
from xueji.students.selectors import find_student
from xueji.students.services import update_student
from xueji.transfers import selectors, services
from xueji.transfers.models import ArchiveHandover
from xueji.workdays.services import add_working_days

pytestmark = pytest.mark.django_db

# 2026: 国庆 1–7 October off, Saturday 10 October a make-up working day.
FILED = datetime.date(2026, 9, 28)


def file_transfer(w, student, **payload):
    return services.start_transfer(w.registrar_b, student_number=student.student_number, name=student.name,
                                   id_number=student.id_number, payload={**MOVE, "to_grade": student.grade, **payload},
                                   reason="家长工作调动", evidence=proofs())


def step(app, order) -> Step:
    return Step.objects.get(application=app, order=order)


def test_four_steps_with_working_day_due_dates_move_the_record_and_keep_the_history(people, enrolled, clock):
    w = people
    student = enrolled(school=w.school_a, grade=3)
    clock(FILED)
    app = file_transfer(w, student)

    assert [(s.label, s.role, s.org_code) for s in app.steps.order_by("order")] == [
        ("转入学校负责人审签", "leader", w.school_b.pk),
        ("转入学校学籍主管部门审批", "county", w.yingze.pk),
        ("转出学校负责人审签", "leader", w.school_a.pk),
        ("转出学校学籍主管部门审批", "county", w.xiaodian.pk),
    ]
    assert all(s.working_days == 10 for s in app.steps.all())
    # 29, 30 Sep, 8, 9, 10 (the make-up Saturday), 12–16 Oct: the holiday week does not count.
    assert step(app, 1).due_date == datetime.date(2026, 10, 16)

    decisions = [(w.leader_b, datetime.date(2026, 9, 30), 2, datetime.date(2026, 10, 20)),
                 (w.county_yz, datetime.date(2026, 10, 9), 3, datetime.date(2026, 10, 22)),
                 (w.leader_a, datetime.date(2026, 10, 12), 4, datetime.date(2026, 10, 26))]
    for actor, day, next_order, next_due in decisions:
        clock(day)
        engine.approve(actor, app.pk, comment="同意")
        assert step(app, next_order).status == Step.Status.PENDING
        assert step(app, next_order).due_date == next_due == add_working_days(day, 10)

    clock(datetime.date(2026, 10, 13))
    engine.approve(w.county_xd, app.pk, comment="同意转出")
    app.refresh_from_db()
    student.refresh_from_db()

    assert app.status == Application.Status.APPROVED
    assert student.school_id == w.school_b.pk and student.status == "在籍" and student.grade == 3
    old, new = Enrolment.objects.filter(student=student).order_by("id")
    assert (old.school_id, old.ended_on, old.exit_reason) == (w.school_a.pk, datetime.date(2026, 10, 13), "转出")
    assert old.snapshot["school"] == w.school_a.pk and old.snapshot["name"] == student.name
    assert old.snapshot["to_school"] == w.school_b.pk
    assert (new.school_id, new.ended_on, new.entry_reason) == (w.school_b.pk, None, "转入")
    event = StatusEvent.objects.filter(student=student, kind="转学").get()
    assert event.changes["school"] == [w.school_a.pk, w.school_b.pk]
    assert (event.from_status, event.to_status) == ("在籍", "在籍")
    # The history stays: the creation event and the application with its four decisions.
    assert StatusEvent.objects.filter(student=student, kind="建档").exists()
    assert [s.decider for s in app.steps.order_by("order")] == [w.leader_b, w.county_yz, w.leader_a, w.county_xd]
    handover = ArchiveHandover.objects.get(application=app)
    assert (handover.from_school_id, handover.to_school_id) == (w.school_a.pk, w.school_b.pk)
    assert handover.due_date == datetime.date(2026, 11, 13)  # one month (第二十二条)
    assert AuditEvent.objects.filter(action="transfer.complete", object_id=student.key).exists()


def test_the_old_school_keeps_reading_its_part_not_the_new_schools_later_data(people, enrolled):
    w = people
    student = enrolled(school=w.school_a, grade=3, phone="13835100001")
    app = file_transfer(w, student)
    for actor in (w.leader_b, w.county_yz, w.leader_a, w.county_xd):
        engine.approve(actor, app.pk)
    student.refresh_from_db()
    update_student(w.registrar_b, student, {"phone": "13900000000"})

    # The record itself is the new school's now.
    with pytest.raises(NotFound):
        find_student(w.registrar_a, student.student_number)
    former = selectors.former_students(w.registrar_a).get()
    assert former.snapshot["phone"] == "13835100001"
    assert selectors.find_former(w.county_xd, former.pk).snapshot["student_number"] == student.student_number
    # The application and its decisions stay readable to the sending school that took part.
    assert ApplicationPolicy.user_can(w.registrar_a, "view", app)
    assert not selectors.former_students(w.registrar_b).exists()
    with pytest.raises(NotFound):
        selectors.find_former(w.county_yz, former.pk)


def test_a_rejection_on_the_sending_side_changes_nothing(people, enrolled):
    w = people
    student = enrolled(school=w.school_a, grade=3)
    app = file_transfer(w, student)
    engine.approve(w.leader_b, app.pk)
    engine.approve(w.county_yz, app.pk)
    engine.reject(w.leader_a, app.pk, comment="学生家长撤回口头申请,请核实")
    student.refresh_from_db()
    assert student.school_id == w.school_a.pk
    assert not Enrolment.objects.filter(student=student, ended_on__isnull=False).exists()
    assert not ArchiveHandover.objects.exists()
    assert step(app, 4).status == Step.Status.CANCELLED


def test_the_receiving_registrar_may_cancel_his_pending_request(people, enrolled):
    w = people
    app = file_transfer(w, enrolled())
    engine.cancel(w.registrar_b, app.pk, comment="家长改变主意")
    app.refresh_from_db()
    assert app.status == Application.Status.CANCELLED


def test_the_new_class_is_set_when_asked_and_must_be_of_the_same_grade(people, enrolled):
    from tests import factories as f

    w = people
    third = f.school_class(w.school_b, grade=3, name="3班")
    fourth = f.school_class(w.school_b, grade=4, name="4班")
    student = enrolled(grade=3)
    with pytest.raises(RuleViolation) as refused:
        file_transfer(w, student, to_class=fourth.pk)
    assert refused.value.violations[0].code == "class_grade_mismatch"
    app = file_transfer(w, student, to_class=third.pk)
    for actor in (w.leader_b, w.county_yz, w.leader_a, w.county_xd):
        engine.approve(actor, app.pk)
    student.refresh_from_db()
    assert student.school_class_id == third.pk
