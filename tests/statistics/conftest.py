"""A small registry for the dashboards: pupils at four schools of 太原市 (one city-run) with flags and statuses,
and decided applications written straight into the table (the change tally's triggers count them)."""

import datetime

import pytest
from django.utils import timezone

from xueji.applications.models import Application
from xueji.students.models import Student


@pytest.fixture
def registry(world, make_student):
    specs = [
        (world.school_a, 1, "2", {"migrant_child": "1", "left_behind": "1"}),
        (world.school_a, 1, "2", {}),
        (world.school_a, 1, "1", {"disability_type": "1", "inclusive_study": "1"}),
        (world.school_a, 2, "1", {"left_behind": "2"}),
        (world.school_a2, 7, "2", {"migrant_child": "1"}),
        (world.school_b, 1, "2", {}),
    ]
    made = []
    for school, grade, gender, extra in specs:
        s = make_student(school=school, grade=grade, gender=gender, **extra)
        Student.objects.filter(pk=s.pk).update(status="在籍", student_number="G" + s.id_number)
        made.append(s)
    Student.objects.filter(pk=made[1].pk).update(status="休学")
    senior = make_student(school=world.school_a)  # moved by hand: the entry rules of a 高一 are not tested here
    Student.objects.filter(pk=senior.pk).update(school=world.high, grade=10, status="在籍")
    made.append(senior)
    now = timezone.now()
    today = timezone.localdate()

    def decided(kind, student, school, *, late=False, outcome="approved", **payload):
        due = today + datetime.timedelta(days=-3 if late else 5)
        return Application.objects.create(type=kind, student=student, school=school, status=outcome,
                                          decided_at=now, due_date=due, payload=payload,
                                          created_by=world.registrar_a)

    decided("transfer", made[5], world.school_b, from_school=world.school_a.pk)  # 小店区 → 迎泽区
    decided("withdrawal", made[3], world.school_a, late=True)
    decided("dropout", made[4], world.school_a2)
    decided("suspension", made[1], world.school_a, outcome="rejected", late=True)
    Application.objects.create(type="suspension", student=made[2], school=world.school_a,
                               created_by=world.registrar_a)  # pending: not in any figure
    return made
