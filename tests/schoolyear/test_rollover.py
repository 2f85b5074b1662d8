"""The annual promotion (升级, 第十六条) through the services: who moves up, who stays, classes with their cohorts,
idempotence, an interrupted run resumed, the digest and its verification."""

import datetime

import pytest
from django.utils import timezone

from tests import factories as f
from tests.schoolyear.conftest import pending_application
from xueji.applications.timeline import student_timeline
from xueji.audit.models import AuditEvent
from xueji.core.errors import RuleViolation
from xueji.schoolyear import services
from xueji.schoolyear.models import Hold, Promotion, Rollover
from xueji.students.models import StatusEvent, Student
from xueji.workdays.models import Term


def grades(*students):
    for s in students:
        s.refresh_from_db()
    return [s.grade for s in students]


def test_a_third_grader_and_his_class_go_to_fourth_grade(world, year, pupil, rollover):
    klass = f.school_class(world.school_a, grade=3, name="1班", entry_year=year - 3)
    boy = pupil(3, school_class=klass)
    job = rollover(year)
    boy.refresh_from_db()
    klass.refresh_from_db()
    assert boy.grade == 4 and boy.school_class_id == klass.pk
    assert (klass.grade, klass.name, klass.entry_year) == (4, "1班", year - 3) and str(klass) == "四年级1班"
    assert job.status == "done" and job.promoted == 1 and job.classes_moved >= 1
    event = StatusEvent.objects.get(student=boy, kind="升级")
    assert event.changes == {"grade": [3, 4]} and "第十六条" in event.note
    assert any(e["title"] == "升级" for e in student_timeline(world.province_officer, boy))


def test_suspended_pupil_keeps_his_grade(world, year, pupil, rollover):
    resting = pupil(3, status="休学")
    job = rollover(year)
    assert grades(resting) == [3] and job.kept_suspended == 1 and job.promoted == 0
    assert not StatusEvent.objects.filter(student=resting, kind="升级").exists()


def test_final_grades_are_not_promoted_and_graduate(world, year, pupil, rollover):
    sixth = f.school_class(world.school_a, grade=6, name="1班", entry_year=year - 6)
    kids = [pupil(6, school_class=sixth), pupil(9, school=world.school_a2), pupil(12, school=world.high)]
    job = rollover(year)
    sixth.refresh_from_db()
    assert grades(*kids) == [6, 9, 12] and sixth.grade == 6
    assert job.final_grade == 3 and job.promoted == 0


def test_a_through_train_sixth_grader_goes_on_to_7th_grade_in_his_school(world, year, pupil, rollover):
    nine_year = f.school("1114010509", "太原市小店区九年一贯制学校", "312", world.xiaodian)
    kid, junior = pupil(6, school=nine_year), pupil(8, school=world.school_a2)
    rollover(year)
    assert grades(kid, junior) == [7, 9]


def test_new_entrants_of_the_year_and_their_class_stay_in_first_grade(world, year, pupil, rollover):
    intake = f.school_class(world.school_a, grade=1, name="9班", entry_year=year)
    newcomer = pupil(1, school_class=intake, entry_month=f"{year}09")
    job = rollover(year)
    intake.refresh_from_db()
    assert grades(newcomer) == [1] and intake.grade == 1 and job.not_promoted_other == 1


def test_pending_application_holds_then_promotes_when_it_is_rejected(world, year, pupil, rollover):
    from xueji.applications import services as applications

    waiting = pupil(2)
    app = pending_application(world, waiting)
    app.steps.create(order=1, label="学校审核", role="leader", org_code=world.school_a.pk,
                     org_name=world.school_a.name, status="pending")
    job = rollover(year)
    assert grades(waiting) == [2] and job.kept_pending == 1
    applications.reject(world.leader_a, app.pk, comment="材料不全")
    hold = Hold.objects.get(student=waiting, school_year=year)
    assert grades(waiting) == [3] and hold.promoted and hold.released_at
    assert Promotion.objects.get(student=waiting, school_year=year).late
    assert StatusEvent.objects.filter(student=waiting, kind="升级").count() == 1
    assert services.counts(Rollover.objects.get(pk=job.pk))["promoted_later"] == 1


def test_a_held_student_who_left_the_register_is_not_promoted(world, year, pupil, rollover):
    waiting = pupil(2)
    app = pending_application(world, waiting)
    rollover(year)
    type(waiting).objects.filter(pk=waiting.pk).update(status="休学")  # the application was a suspension
    app.status = "approved"
    app.save()
    services.release_after_decision(app, world.county_xd)
    assert grades(waiting) == [2] and Hold.objects.get(student=waiting).promoted is False


def test_the_second_run_changes_nothing(world, year, pupil, rollover):
    kids = [pupil(g) for g in (1, 2, 3)]
    first = rollover(year)
    again = services.open_year(world.province_officer, year)
    again = services.run(again.pk)
    assert again.pk == first.pk and grades(*kids) == [2, 3, 4]
    assert StatusEvent.objects.filter(kind="升级").count() == 3 == Promotion.objects.count()
    assert AuditEvent.objects.filter(action="schoolyear.rollover").count() == 1


def test_an_interrupted_run_is_taken_over_and_finishes_with_nothing_doubled(world, year, pupil):
    kids = [pupil(g) for g in (1, 2, 3, 4, 5, 1, 2)]
    job = services.open_year(world.province_officer, year, chunk_size=2)
    job = services.run(job.pk, worker="dead-process", max_chunks=1)  # "killed" after its first chunk
    assert job.is_running and 0 < job.cursor < job.max_id
    # A live holder is left alone ...
    assert services.run(job.pk).cursor == job.cursor
    # ... one silent for longer than the lease is taken over.
    Rollover.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(hours=1))
    job = services.run(job.pk)
    assert job.status == "done" and job.promoted == 7
    assert grades(*kids) == [2, 3, 4, 5, 6, 2, 3]
    assert StatusEvent.objects.filter(kind="升级").count() == 7 == Promotion.objects.count()


def test_verify_matches_the_audited_digest_and_detects_a_tampered_promotion(world, year, pupil, rollover):
    kids = [pupil(g) for g in (1, 2, 3)]
    job = rollover(year)
    audited = AuditEvent.objects.get(action="schoolyear.rollover")
    assert audited.details["digest"] == job.digest and audited.details["promoted"] == 3
    assert services.verify(world.auditor, year)["intact"]
    Promotion.objects.filter(student=kids[1]).update(to_grade=4)
    result = services.verify(world.auditor, year)
    assert not result["intact"] and result["recorded"] == job.digest
    assert AuditEvent.objects.filter(action="schoolyear.verify", outcome="failed").exists()


def test_a_year_that_is_not_the_next_one_is_refused_with_article_16(world, year):
    Term.objects.create(school_year=year + 1, number=1, starts_on=datetime.date(year + 1, 9, 1),
                        ends_on=datetime.date(year + 2, 1, 20))
    with pytest.raises(RuleViolation) as caught:
        services.open_year(world.province_officer, year + 1)
    assert caught.value.violations[0].code == "rollover_not_next"
    assert caught.value.violations[0].article == "第十六条"


def test_a_year_without_terms_is_refused_with_article_16(world):
    with pytest.raises(RuleViolation) as caught:
        services.open_year(world.province_officer, services.current_school_year() + 1)
    assert caught.value.violations[0].code == "rollover_terms_missing"
    assert caught.value.violations[0].article == "第十六条"


def test_after_a_rollover_the_following_year_is_next(world, year, rollover):
    rollover(year)
    assert services.current_school_year() == year


def test_an_open_visiting_stay_follows_the_student(world, year, pupil, rollover):
    from xueji.visiting.models import VisitingStay

    guest = pupil(3)
    host_class = f.school_class(world.school_b, grade=3, name="2班", entry_year=year - 3)
    app = pending_application(world, guest)
    app.status = "approved"
    app.save()
    stay = VisitingStay.objects.create(student=guest, home_school=world.school_a, host_school=world.school_b,
                                       host_class=host_class, grade=3, reason="parents_abroad",
                                       started_on=datetime.date(year - 1, 9, 1), application=app)
    rollover(year)
    stay.refresh_from_db()
    host_class.refresh_from_db()
    assert grades(guest) == [4] and stay.grade == 4 == host_class.grade


def test_a_hold_whose_application_ended_meanwhile_is_released_at_sealing(world, year, pupil):
    waiting = pupil(2)
    app = pending_application(world, waiting)
    job = services.open_year(world.province_officer, year, chunk_size=waiting.pk)
    job = services.run(job.pk, worker="w1", max_chunks=1)
    assert Hold.objects.filter(student=waiting, released_at__isnull=True).exists()
    type(app).objects.filter(pk=app.pk).update(status="rejected")  # decided before the hold was visible
    services.run(job.pk, worker="w1")
    assert grades(waiting) == [3] and Hold.objects.get(student=waiting).promoted


def test_the_digest_is_sha256_over_the_ordered_promotion_lines(world, year, pupil, rollover):
    import hashlib

    kids = [pupil(g) for g in (5, 1, 7)]
    job = rollover(year)
    assert grades(*kids) == [6, 2, 8]
    lines = "".join(f"{k.pk},{k.grade - 1},{k.grade}\n" for k in sorted(kids, key=lambda k: k.pk))
    assert job.digest == hashlib.sha256(lines.encode()).hexdigest() == services.compute_digest(year)[0]


def test_the_chunks_start_at_the_lowest_record_not_at_id_one(world, year, pupil):
    # On PostgreSQL a sequence keeps counting across rolled-back work, so the registry's first id may be far
    # above 1: walking the empty ids below it two at a time took this suite tens of thousands of transactions.
    kids = [pupil(g) for g in (1, 2)]
    Student.objects.filter(pk=kids[1].pk).update(id=kids[0].pk + 10_000)
    job = services.open_year(world.province_officer, year, chunk_size=2)
    assert job.cursor == kids[0].pk - 1 and job.max_id == kids[0].pk + 10_000
    job = services.run(job.pk, worker="w", max_chunks=1)
    assert job.cursor == kids[0].pk + 1 and job.promoted == 1  # the first chunk held the lowest record
    job = services.run(job.pk, worker="w")
    assert job.status == "done" and job.promoted == 2
