"""The student tally stays equal to a direct count of the records through every path a record changes by:
the create service, an import, a status change through the engine, a rollover's bulk UPDATE, a raw UPDATE."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F, Q

from tests.intake.conftest import pupil as sheet_pupil
from tests.intake.conftest import upload_file, xlsx_bytes
from xueji.applications import services as applications
from xueji.intake import services as intake
from xueji.schoolyear import services as schoolyear
from xueji.students import tally
from xueji.students.models import Student
from xueji.workdays.models import Term

pytestmark = pytest.mark.django_db


def assert_exact():
    assert tally.verify() == []
    # And against the ORM, independently of the SQL the tally and verify share.
    direct = Student.objects.values("school_id", "grade", "gender", "status").annotate(
        n=Count("id"), migrant=Count("id", filter=Q(migrant_child=True)),
        left_behind=Count("id", filter=Q(left_behind__in=["1", "2"])))
    want = {(r["school_id"], r["grade"], r["gender"], r["status"]): (r["n"], r["migrant"], r["left_behind"])
            for r in direct}
    have = {(r["school"], r["grade"], r["gender"], r["status"]): (r["students"], r["migrant"], r["left_behind"])
            for r in tally.counts(by=("school", "grade", "gender", "status"))}
    assert have == want


def test_create_and_a_flag_change_are_counted(world, make_student):
    a = make_student(gender="2", migrant_child="1", left_behind="1")
    make_student(gender="1", disability_type="1", inclusive_study="1")
    assert_exact()
    assert tally.total() == 2
    Student.objects.filter(pk=a.pk).update(migrant_child=False, school=world.school_a2)
    assert_exact()
    assert {r["school"]: r["students"] for r in tally.counts(by=("school",))} == {world.school_a.pk: 1, world.school_a2.pk: 1}


def test_import_is_counted(world):
    batch = intake.import_file(world.registrar_a, world.school_a,
                               upload_file(xlsx_bytes([sheet_pupil(n) for n in range(1, 6)])))
    intake.request_commit(world.registrar_a, batch, mode="valid_only", submit_registration=False)
    intake.run_commit(batch.pk)
    assert Student.objects.count() == 5
    assert_exact()


def test_status_change_through_the_engine_is_counted(world, make_student):
    student = make_student(grade=3)
    Student.objects.filter(pk=student.pk).update(status="在籍", student_number="G" + student.id_number)
    start = datetime.date.today()
    app = applications.submit(
        world.registrar_a, "suspension", student,
        {"reason": "illness", "start": start.isoformat(), "end": (start + datetime.timedelta(days=300)).isoformat(),
         "hours_needed": 200, "term_hours": 500},
        evidence=_proofs("suspension_form", "medical_county"))
    applications.approve(world.leader_a, app.pk)
    applications.approve(world.county_xd, app.pk)
    assert Student.objects.get(pk=student.pk).status == "休学"
    assert_exact()
    assert tally.total(statuses=["休学"]) == 1 and tally.total(statuses=["在籍"]) == 0


def test_rollover_and_bulk_updates_are_counted(world, make_student):
    for grade in (1, 2, 6):
        s = make_student(grade=grade)
        Student.objects.filter(pk=s.pk).update(status="在籍", student_number="G" + s.id_number)
    nxt = schoolyear.current_school_year() + 1
    Term.objects.create(school_year=nxt, number=1, starts_on=datetime.date(nxt, 9, 1),
                        ends_on=datetime.date(nxt + 1, 1, 20))
    Term.objects.create(school_year=nxt, number=2, starts_on=datetime.date(nxt + 1, 2, 20),
                        ends_on=datetime.date(nxt + 1, 7, 10))
    job = schoolyear.open_year(world.province_officer, nxt, chunk_size=2)
    schoolyear.run(job.pk)
    assert sorted(Student.objects.values_list("grade", flat=True)) != [1, 2, 6]
    assert_exact()
    Student.objects.update(grade=F("grade"))  # a no-op for the tally
    Student.objects.filter(grade__lte=3).update(gender="2", left_behind="2")
    assert_exact()


def test_verify_finds_a_drift_and_rebuild_repairs_it(world, make_student, capsys):
    make_student()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE students_studenttally SET students = students + 4")
    assert len(tally.verify()) == 1
    with pytest.raises(Exception, match="不一致"):
        call_command("tally", "verify")
    call_command("tally", "rebuild")
    call_command("tally", "verify")
    assert "一致" in capsys.readouterr().out
    assert_exact()


def _proofs(*kinds):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return [(k, SimpleUploadedFile(f"{k}.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"))
            for k in kinds]
