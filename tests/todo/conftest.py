"""Pending work of each kind, made directly where the capability's own flow is tested elsewhere."""

import datetime

import pytest
from django.utils import timezone

from xueji.applications import services
from xueji.applications.models import Application
from xueji.intake.models import DuplicateCase
from xueji.placement.models import PlacementPlan
from xueji.students.models import Student
from xueji.transfers.models import ArchiveHandover
from xueji.workdays.services import clear_cache

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def fresh_calendar():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def work(world, make_student):
    """Builders of one item of each kind at school A (小店区) unless told otherwise."""

    class Work:
        @staticmethod
        def registration(name="张小红", school=None):
            student = make_student(name=name, school=school)
            actor = world.registrar_high if school == world.high else world.registrar_a
            return services.submit(actor, "registration", student)

        @staticmethod
        def late_student(name="李晓", days=40, school=None):
            student = make_student(name=name, school=school)
            Student.objects.filter(pk=student.pk).update(created_at=timezone.now() - datetime.timedelta(days=days))
            return student

        @staticmethod
        def expired_suspension(name="王休", ended_days_ago=5):
            student = make_student(name=name)
            Student.objects.filter(pk=student.pk).update(status="休学")
            end = TODAY() - datetime.timedelta(days=ended_days_ago)
            Application.objects.create(type="suspension", student=student, school=world.school_a,
                                       status=Application.Status.APPROVED, created_by=world.registrar_a,
                                       payload={"start": str(end - datetime.timedelta(days=90)), "end": str(end)},
                                       decided_at=timezone.now())
            return student

        @staticmethod
        def plan(school=None):
            return PlacementPlan.objects.create(school=school or world.school_a, grade=1, entry_year=2026,
                                                status=PlacementPlan.Status.SUBMITTED, authority=world.xiaodian,
                                                created_by=world.registrar_a, submitted_at=timezone.now())

        @staticmethod
        def duplicate():
            new, old = make_student(name="赵重"), make_student(name="赵重")
            return DuplicateCase.objects.create(student=new, existing=old, school=world.school_a,
                                                authority=world.xiaodian, reasons=["pinyin"])

        @staticmethod
        def handover(due_in=20, to_school=None):
            student = make_student(name="钱转")
            application = Application.objects.create(type="transfer", student=student, school=world.school_a,
                                                     status=Application.Status.APPROVED,
                                                     created_by=world.registrar_a)
            to_school = to_school or world.school_b
            return ArchiveHandover.objects.create(
                application=application, student=student, from_school=world.school_a,
                from_school_name=world.school_a.name, to_school=to_school, to_school_name=to_school.name,
                due_date=TODAY() + datetime.timedelta(days=due_in))

    return Work
