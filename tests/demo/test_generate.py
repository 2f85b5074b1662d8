"""`xueji generate --students N`: synthetic students in bulk (COPY on PostgreSQL, executemany on SQLite)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count

from xueji import cli
from xueji.audit.models import AuditEvent
from xueji.demo import bulk, loader
from xueji.orgs.models import School, SchoolClass
from xueji.policy.idcard import check_digit, is_valid_resident_id
from xueji.policy.province import get_policy
from xueji.policy.record import validate_student
from xueji.students.models import Enrolment, FamilyMember, StatusEvent, Student, StudentNumber
from xueji.students.services import student_data

pytestmark = pytest.mark.django_db


def all_id_numbers() -> list[str]:
    return (list(Student.objects.values_list("id_number", flat=True))
            + list(FamilyMember.objects.values_list("id_number", flat=True)))


def test_generate_2000_valid_unique_students(capsys):
    cli.main(["generate", "--students", "2000", "--batch", "700", "--seed", "7"])
    assert Student.objects.count() == 2000
    ids = list(Student.objects.values_list("id_number", flat=True))
    assert len(set(ids)) == 2000
    assert all(is_valid_resident_id(n) and check_digit(n[:17]) == n[17] for n in ids)
    out = capsys.readouterr().out
    assert "已写入 2,000/2,000 名学生" in out and "名/秒" in out


def test_every_generated_row_has_its_numbers_guardians_enrolment_and_event():
    bulk.generate(1500, seed=3, report=lambda line: None)
    students = Student.objects.all()
    enrolled = students.filter(status="在籍")
    assert enrolled.count() + students.filter(status="待注册").count() == 1500
    assert StudentNumber.objects.count() == enrolled.count()
    assert not enrolled.exclude(student_number__startswith="G").exists()
    assert FamilyMember.objects.count() == 3000
    assert Enrolment.objects.count() == 1500 and StatusEvent.objects.count() == 1500
    guardians = list(FamilyMember.objects.values_list("id_number", flat=True))
    assert all(map(is_valid_resident_id, guardians)) and len(set(guardians)) == 3000
    # Columns the generator does not fill get their model defaults.
    event, enrolment = StatusEvent.objects.first(), Enrolment.objects.first()
    assert event.changes == {} and event.actor is None
    assert enrolment.snapshot == {} and enrolment.ended_on is None
    assert Student.objects.filter(photo="", created_by=None, photo_retake_needed=False).count() == 1500


def test_a_sample_of_generated_students_passes_the_record_rules():
    bulk.generate(1200, seed=5, report=lambda line: None)
    for student in Student.objects.select_related("school").prefetch_related("family")[::6]:
        assert validate_student(student_data(student), school_type=student.school.school_type) == [], student
        assert student.name_pinyin and student.current_address.startswith("山西省")


def test_synthetic_schools_spread_over_shanxi_with_classes_within_the_caps():
    summary = bulk.generate(3000, seed=11, report=lambda line: None)
    assert summary["schools_created"] == School.objects.count() >= 3
    for school in School.objects.all():
        assert len(school.code) == 10 and school.county.parent_id == school.city_id
        assert school.county.code.startswith("14")
    for school_class in SchoolClass.objects.annotate(size=Count("students")):
        normal, _hard = get_policy().class_caps(school_class.grade)
        assert 0 < school_class.size <= normal
        assert school_class.grade in school_class.school.grades


def test_running_twice_with_the_same_seed_repeats_no_number():
    # The same seed draws the same people; the allocator must still move past the numbers already stored.
    bulk.generate(800, seed=1, report=lambda line: None)
    bulk.generate(800, seed=1, report=lambda line: None)
    ids = all_id_numbers()
    assert len(ids) == 4800 and len(set(ids)) == 4800


def test_generated_students_do_not_collide_with_the_demo():
    loader.load()
    before = Student.objects.count()
    bulk.generate(1000, seed=2, report=lambda line: None)
    ids = all_id_numbers()
    assert Student.objects.count() == before + 1000
    assert len(set(ids)) == len(ids)


def test_generate_into_one_school_adds_classes_next_to_its_own():
    loader.load()
    school = School.objects.get(code="1114010501")
    before = set(SchoolClass.objects.filter(school=school).values_list("entry_year", "name"))
    call_command("generate", students=300, school="1114010501", stdout=io.StringIO())
    added = SchoolClass.objects.filter(school=school).exclude(pk__in=[c.pk for c in SchoolClass.objects.filter(
        school=school, name__in=[n for _y, n in before])])
    assert Student.objects.filter(school=school).count() >= 300
    assert added.exists() and all(c.grade in range(1, 7) for c in added)
    assert School.objects.count() == 8


def test_generate_refuses_an_unknown_school_and_a_bad_count():
    with pytest.raises(CommandError, match="学校标识码 9999999999 不存在"):
        call_command("generate", students=10, school="9999999999")
    with pytest.raises(CommandError, match="正整数"):
        call_command("generate", students=0)
    assert not Student.objects.exists()


def test_generate_leaves_one_audit_row():
    summary = bulk.generate(500, seed=9, report=lambda line: None)
    row = AuditEvent.objects.get(action="demo.generate")
    assert row.actor is None and row.details["students"] == 500 == summary["students"]
    assert summary["database"] == connection.vendor


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index and key rebuild is PostgreSQL's path")
def test_large_load_rebuilds_the_indexes_and_keys_it_dropped(monkeypatch):
    tables = [m._meta.db_table for m in bulk.LOADED_MODELS]

    def schema():
        with connection.cursor() as cursor:
            return {t: sorted(connection.introspection.get_constraints(cursor, t)) for t in tables}

    before = schema()
    monkeypatch.setattr(bulk, "_large", lambda count: True)
    bulk.generate(600, seed=4, report=lambda line: None)
    assert schema() == before
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # every re-added key holds for the loaded rows


def test_generated_registry_has_application_history_in_proportion():
    from xueji.applications.models import Application, Step

    summary = bulk.generate(2000, seed=21, report=lambda line: None)
    made = summary["applications"]
    pending = Student.objects.filter(status="待注册").count()
    assert made["registration"] == pending == Application.objects.filter(status="pending").count()
    assert 20 <= made["info_change"] <= 60 and 3 <= made["suspension"] <= 20  # 2 % and 0.5 % of 2,000
    # Each pending registration waits at its authority's step (county, or city for high school: 第三条).
    waiting = Step.objects.filter(status="pending", application__type="registration")
    assert waiting.count() == pending and set(waiting.values_list("role", flat=True)) <= {"county", "city"}
    assert not Step.objects.filter(application__status="approved").exclude(status="approved").exists()
