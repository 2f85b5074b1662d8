"""第三十五、三十六条: a 高三 student graduates only with every condition met, and only at the city's one sealing
of the year, before the policy's deadline (31 May in Shanxi)."""

import datetime

import pytest

from xueji.applications import services as applications
from xueji.applications.models import Application
from xueji.certificates.models import Certificate
from xueji.core.errors import Forbidden, NotFound, RuleViolation
from xueji.graduation import services
from xueji.graduation.models import Sealing


def _approved_by_city(w, seniors):
    batch = services.propose(w.registrar_high, w.high.pk, [s.student_number for s in seniors])
    services.decide(w.leader_high, batch, approve=True)
    services.decide(w.city_ty, batch, approve=True)
    return batch


def test_unmet_condition_refused_with_article_35_and_met_passes(people, enrolled, clock, credits_check):
    w = people
    short = enrolled(school=w.high, grade=12)
    credits_check.add(short.pk)
    with pytest.raises(RuleViolation) as exc:
        services.propose(w.registrar_high, w.high.pk, [short.student_number])
    v = exc.value.violations[0]
    assert (v.code, v.article, v.field) == ("credits_total", "第三十五条", "students[0]")
    assert "144" in v.message
    credits_check.discard(short.pk)
    assert services.propose(w.registrar_high, w.high.pk, [short.student_number])


def test_senior_graduates_at_the_sealing_not_before(people, enrolled, clock):
    w = people
    senior = enrolled(school=w.high, grade=12)
    _approved_by_city(w, [senior])
    senior.refresh_from_db()
    assert senior.status == "在籍"  # approved by the city, waiting for the sealing
    assert not Certificate.objects.filter(student=senior).exists()
    sealing = services.seal(w.city_ty)
    senior.refresh_from_db()
    assert senior.status == "毕业"
    cert = Certificate.objects.get(student=senior)
    assert cert.numbered_by_id == "140100" and cert.number.startswith("1401002026B")  # the city numbers
    assert cert.sealed_on == datetime.date(2027, 5, 10) and cert.sealed_by == w.city_ty
    assert (sealing.count, sealing.school_year) == (1, 2026)


def test_sealing_after_deadline_refused_with_article_36(people, enrolled, clock):
    w = people
    senior = enrolled(school=w.high, grade=12)
    _approved_by_city(w, [senior])
    clock(datetime.date(2027, 6, 1))
    with pytest.raises(RuleViolation) as exc:
        services.seal(w.city_ty, 2026)
    assert exc.value.violations[0].code == "sealing_after_deadline"
    assert exc.value.violations[0].article == "第三十六条"
    senior.refresh_from_db()
    assert senior.status == "在籍" and not Sealing.objects.exists()


def test_second_sealing_in_a_year_refused_with_article_36(people, enrolled, clock):
    w = people
    first, late = enrolled(school=w.high, grade=12), enrolled(school=w.high, grade=12)
    _approved_by_city(w, [first])
    services.seal(w.city_ty)
    _approved_by_city(w, [late])
    with pytest.raises(RuleViolation) as exc:
        services.seal(w.city_ty)
    assert [v.code for v in exc.value.violations] == ["sealing_already_done"]
    assert exc.value.violations[0].article == "第三十六条"


def test_one_application_cannot_skip_the_sealing(people, enrolled, clock):
    w = people
    senior = enrolled(school=w.high, grade=12)
    batch = _approved_by_city(w, [senior])
    app = Application.objects.get(batch=batch)
    with pytest.raises(RuleViolation) as exc:
        applications.approve(w.city_ty, app.pk)
    assert exc.value.violations[-1].article == "第三十六条"
    with pytest.raises(RuleViolation):
        services.decide(w.city_ty, batch, approve=True)
    senior.refresh_from_db()
    assert senior.status == "在籍"


def test_sealing_rejects_who_no_longer_meets_conditions(people, enrolled, clock, credits_check):
    w = people
    good, slipped = enrolled(school=w.high, grade=12), enrolled(school=w.high, grade=12)
    _approved_by_city(w, [good, slipped])
    credits_check.add(slipped.pk)
    sealing = services.seal(w.city_ty)
    assert (sealing.count, sealing.rejected) == (1, 1)
    app = Application.objects.get(student=slipped)
    assert app.status == "rejected" and "第三十五条" in app.steps.get(status="rejected").comment
    slipped.refresh_from_db()
    assert slipped.status == "在籍"


def test_sealing_outsiders(people, enrolled, clock):
    w = people
    senior = enrolled(school=w.high, grade=12)
    batch = _approved_by_city(w, [senior])
    with pytest.raises(Forbidden):
        services.seal(w.county_xd)
    with pytest.raises(RuleViolation) as exc:  # Datong has nothing of Taiyuan's to seal
        services.seal(w.city_dt)
    assert exc.value.violations[0].code == "nothing_to_seal"
    with pytest.raises(NotFound):
        services.decide(w.city_dt, batch, approve=False, comment="x")
    senior.refresh_from_db()
    assert senior.status == "在籍"
