"""第三十条: a student who settled abroad and comes back gets a new record under chapter 3, linked to the old one,
and keeps his lifelong student number (第十一条)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from xueji.applications import services
from xueji.core.errors import Conflict
from xueji.students.models import Student, StudentNumber
from xueji.students.services import create_student

PDF = b"%PDF-1.4\n%%EOF\n"


def proof(kind):
    return (kind, SimpleUploadedFile(f"{kind}.pdf", PDF, content_type="application/pdf"))


def registered(world, make_student, **kw):
    student = make_student(**kw)
    app = services.submit(world.registrar_a, "registration", student)
    services.approve(world.leader_a, app.pk)
    services.approve(world.county_xd, app.pk)
    student.refresh_from_db()
    return student


def withdraw(world, student, ground, evidence):
    app = services.submit(world.registrar_a, "withdrawal", student, {"ground": ground}, evidence=evidence)
    services.approve(world.leader_a, app.pk)
    services.approve(world.county_xd, app.pk)
    student.refresh_from_db()


def test_returning_emigrant_gets_a_new_linked_record_and_keeps_his_number(world, make_student):
    old = registered(world, make_student)
    number = old.student_number
    withdraw(world, old, "settle_abroad", [proof("withdrawal_form"), proof("passport_copy"), proof("hukou_copy"),
                                           proof("township_approval")])
    payload = f.student_payload(id_number=old.id_number, birth=old.birth_date, grade=3)
    new = create_student(world.registrar_b, world.school_b, payload)
    assert new.pk != old.pk and new.earlier_record_id == old.pk and new.status == "待注册"
    assert "第三十条" in new.events.get(kind="建档").note
    app = services.submit(world.registrar_b, "registration", new)
    services.approve(f.user("lead_b", "leader", school=world.school_b), app.pk)
    services.approve(world.county_yz, app.pk)
    new.refresh_from_db()
    old.refresh_from_db()
    assert new.student_number == number and old.student_number is None and old.status == "退学"
    assert StudentNumber.objects.get(number=number).student_id == new.pk
    assert old.events.filter(kind="学籍号随本人转入新学籍").exists()
    with pytest.raises(Conflict):  # only one new record per return
        create_student(world.registrar_a, world.school_a, f.student_payload(id_number=old.id_number,
                                                                            birth=old.birth_date))


def test_a_withdrawal_for_another_ground_does_not_open_a_new_record(world, make_student):
    old = registered(world, make_student)
    withdraw(world, old, "loss_of_ability", [proof("withdrawal_form"), proof("medical_county"),
                                             proof("township_approval")])
    with pytest.raises(Conflict) as caught:
        create_student(world.registrar_b, world.school_b,
                       f.student_payload(id_number=old.id_number, birth=old.birth_date))
    assert caught.value.violations[0].article == "第十四条"
    assert Student.objects.filter(id_number=old.id_number).count() == 1
