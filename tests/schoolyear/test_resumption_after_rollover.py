"""复学 after the year turned (第二十四条): back to the original grade or the next one; the class follows the grade."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from xueji.applications import services as applications
from xueji.schoolyear import services

PDF = b"%PDF-1.4\n%%EOF\n"


def proof(kind):
    return (kind, SimpleUploadedFile(f"{kind}.pdf", PDF, content_type="application/pdf"))


def decide(world, app):
    applications.approve(world.leader_a, app.pk)
    applications.approve(world.county_xd, app.pk)


def suspended_third_grader(world, pupil, year):
    klass = f.school_class(world.school_a, grade=3, name="1班", entry_year=year - 3)
    kid = pupil(3, school_class=klass)
    start = datetime.date.today()
    decide(world, applications.submit(
        world.registrar_a, "suspension", kid,
        {"reason": "illness", "start": start.isoformat(), "end": (start + datetime.timedelta(days=200)).isoformat(),
         "hours_needed": 200, "term_hours": 500}, evidence=[proof("suspension_form"), proof("medical_county")]))
    services.run(services.open_year(world.province_officer, year).pk)
    kid.refresh_from_db()
    klass.refresh_from_db()
    assert (kid.status, kid.grade, klass.grade) == ("休学", 3, 4)
    return kid, klass


def test_resuming_the_original_grade_leaves_the_class_that_moved_on(world, year, pupil):
    kid, _klass = suspended_third_grader(world, pupil, year)
    decide(world, applications.submit(world.registrar_a, "resumption", kid, {"grade": 3}))
    kid.refresh_from_db()
    assert (kid.status, kid.grade, kid.school_class_id) == ("在籍", 3, None)


def test_resuming_the_next_grade_rejoins_his_cohorts_class(world, year, pupil):
    kid, klass = suspended_third_grader(world, pupil, year)
    decide(world, applications.submit(world.registrar_a, "resumption", kid, {"grade": 4}))
    kid.refresh_from_db()
    assert (kid.status, kid.grade, kid.school_class_id) == ("在籍", 4, klass.pk)
