"""第四十条 through the service: the measures each stage may receive, 留校察看 at most a year, 开除学籍 only with
the city's approval, 记过 and above in the archive, and whether a student is under discipline on a day."""

import datetime

import pytest

from xueji.archive import services
from xueji.archive.selectors import under_discipline
from xueji.audit.models import AuditEvent
from xueji.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from xueji.students.models import StatusEvent

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def refused(actor, student, **kw):
    with pytest.raises(RuleViolation) as caught:
        services.record_discipline(actor, student, reason=kw.pop("reason", "违反校规"), **kw)
    return {v.code: v.article for v in caught.value.violations}


def test_a_warning_is_recorded_audited_and_not_archived(world, pupil):
    item = services.record_discipline(world.registrar_a, pupil, level="警告", reason="课堂打闹", decided_on=TODAY)
    assert not item.in_archive and item.school == world.school_a
    assert not StatusEvent.objects.filter(student=pupil, kind__startswith="处分").exists()
    assert AuditEvent.objects.filter(action="discipline.record", object_id=pupil.key).exists()
    assert under_discipline(pupil, TODAY)


def test_a_demerit_goes_into_the_archive(world, pupil):
    item = services.record_discipline(world.registrar_a, pupil, level="记过", reason="打架", decided_on=TODAY)
    assert item.in_archive
    assert StatusEvent.objects.filter(student=pupil, kind="处分:记过").exists()


def test_the_compulsory_stage_has_only_three_measures(world, pupil):
    assert refused(world.registrar_a, pupil, level="留校察看", decided_on=TODAY) == {
        "discipline_level_not_for_stage": "第四十条"}
    assert refused(world.registrar_a, pupil, level="勒令退学", decided_on=TODAY) == {
        "discipline_level_unknown": "第四十条"}


def test_probation_lasts_a_year_at_most(world, senior):
    item = services.record_discipline(world.registrar_high, senior, level="留校察看", reason="屡教不改",
                                      decided_on=datetime.date(2026, 3, 1))
    assert item.ends_on == datetime.date(2027, 3, 1)
    assert refused(world.registrar_high, senior, level="留校察看", decided_on=datetime.date(2026, 3, 1),
                   ends_on=datetime.date(2027, 3, 2)) == {"discipline_probation_too_long": "第四十条"}


def test_expulsion_needs_the_city(world, senior):
    assert refused(world.registrar_high, senior, level="开除学籍", decided_on=TODAY) == {
        "discipline_expulsion_needs_city": "第四十条"}


def test_dates_are_checked(world, pupil):
    codes = refused(world.registrar_a, pupil, level="警告", decided_on=TODAY + datetime.timedelta(days=1))
    assert "discipline_future" in codes
    codes = refused(world.registrar_a, pupil, level="警告", decided_on=TODAY, ends_on=TODAY - datetime.timedelta(days=1))
    assert "discipline_dates" in codes


def test_under_discipline_until_it_expires_or_is_revoked(world, pupil):
    start = TODAY - datetime.timedelta(days=30)
    services.record_discipline(world.registrar_a, pupil, level="警告", reason="旷课", decided_on=start,
                               ends_on=TODAY - datetime.timedelta(days=1))
    assert under_discipline(pupil, start) and not under_discipline(pupil, TODAY)
    lasting = services.record_discipline(world.registrar_a, pupil, level="记过", reason="打架", decided_on=TODAY)
    assert under_discipline(pupil, TODAY)
    services.revoke_discipline(world.registrar_a, lasting.pk, reason="确有悔改表现")
    assert not under_discipline(pupil, TODAY + datetime.timedelta(days=1))
    assert StatusEvent.objects.filter(student=pupil, kind="撤销处分:记过").exists()
    with pytest.raises(Conflict):
        services.revoke_discipline(world.registrar_a, lasting.pk, reason="再次撤销")


def test_only_the_students_registrar_records(world, pupil):
    with pytest.raises(Forbidden):
        services.record_discipline(world.leader_a, pupil, level="警告", reason="旷课", decided_on=TODAY)
    with pytest.raises(Forbidden):
        services.record_discipline(world.county_xd, pupil, level="警告", reason="旷课", decided_on=TODAY)
    with pytest.raises(NotFound):
        services.record_discipline(world.registrar_b, pupil, level="警告", reason="旷课", decided_on=TODAY)
    item = services.record_discipline(world.registrar_a, pupil, level="警告", reason="旷课", decided_on=TODAY)
    with pytest.raises(NotFound):
        services.revoke_discipline(world.county_yz, item.pk, reason="越权撤销")


def test_a_reason_is_required(world, pupil):
    assert refused(world.registrar_a, pupil, level="警告", decided_on=TODAY, reason=" ") == {"required": None}
