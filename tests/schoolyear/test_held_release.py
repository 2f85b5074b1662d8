"""A student held back from promotion by a pending application is promoted when it ends, also when it ends in a
set-based write (the engine's decided_many, 第十六条)."""

from tests.schoolyear.conftest import pending_application
from xueji.applications.engine import decided_many
from xueji.applications.models import Application
from xueji.schoolyear.models import Hold, Promotion


def _cancel_all(student_ids):
    apps = Application.objects.filter(student_id__in=student_ids, status="pending")
    ids = list(apps.values_list("pk", flat=True))
    apps.update(status="cancelled")
    return Application.objects.filter(pk__in=ids)


def test_applications_ended_together_release_and_promote_their_students(world, year, pupil, rollover):
    first, second = pupil(2), pupil(4)
    for kid in (first, second):
        pending_application(world, kid)
    rollover(year)
    decided_many(_cancel_all([first.pk, second.pk]), world.county_xd)
    for kid, grade in ((first, 3), (second, 5)):
        kid.refresh_from_db()
        hold = Hold.objects.get(student=kid, school_year=year)
        assert kid.grade == grade and hold.promoted and hold.released_at
        assert Promotion.objects.get(student=kid, school_year=year).late


def test_a_student_with_another_application_still_pending_stays_held(world, year, pupil, rollover):
    kid = pupil(2)
    ended = pending_application(world, kid)
    pending_application(world, kid)  # a second one, still waiting
    rollover(year)
    Application.objects.filter(pk=ended.pk).update(status="cancelled")
    decided_many(Application.objects.filter(pk=ended.pk), world.county_xd)
    kid.refresh_from_db()
    assert kid.grade == 2 and Hold.objects.get(student=kid).released_at is None
