"""第三十四条: a primary school proposes its 六年级, the leader and the county approve (all, or some), the pupils
become 毕业 with county-numbered certificates; the wrong grade or status is refused with the article."""

import pytest

from xueji.applications.models import Application
from xueji.certificates.models import Certificate
from xueji.core.errors import Forbidden, NotFound, RuleViolation
from xueji.graduation import services
from xueji.students.models import Enrolment, StatusEvent


def _through_leader(w, batch):
    return services.decide(w.leader_a, batch, approve=True)


def test_sixth_graders_graduate_after_county_approval(people, enrolled, clock):
    w = people
    pupils = [enrolled(grade=6, school_class=w.class_a6.pk) for _ in range(3)]
    batch = services.propose(w.registrar_a, w.school_a.pk, [p.student_number for p in pupils])
    assert _through_leader(w, batch)["graduated"] == 0
    result = services.decide(w.county_xd, batch, approve=True, comment="同意")
    assert result["graduated"] == 3
    for p in pupils:
        p.refresh_from_db()
        assert p.status == "毕业"
        assert StatusEvent.objects.filter(student=p, to_status="毕业").count() == 1
        assert Enrolment.objects.get(student=p).exit_reason == "毕业"
    numbers = list(Certificate.objects.filter(student__in=pupils).values_list("number", "numbered_by_id"))
    assert len({n for n, _ in numbers}) == 3
    assert {unit for _, unit in numbers} == {"140105"}  # the county numbers primary certificates (Shanxi)
    assert all(n.startswith("1401052026B") for n, _ in numbers)
    assert set(Application.objects.filter(batch=batch).values_list("status", flat=True)) == {"approved"}


def test_numbers_continue_across_batches_and_never_repeat(people, enrolled, clock):
    w = people
    first, second = enrolled(grade=6), enrolled(grade=6)
    for pupil in (first, second):
        batch = services.propose(w.registrar_a, w.school_a.pk, [pupil.student_number])
        _through_leader(w, batch)
        services.decide(w.county_xd, batch, approve=True)
    a, b = (Certificate.objects.get(student=p).number for p in (first, second))
    assert a != b and int(b[-6:]) == int(a[-6:]) + 1


def test_county_approves_all_but_the_excluded(people, enrolled, clock):
    w = people
    kept, left = enrolled(grade=6), enrolled(grade=6)
    batch = services.propose(w.registrar_a, w.school_a.pk, [kept.student_number, left.student_number])
    _through_leader(w, batch)
    result = services.decide(w.county_xd, batch, approve=True, exclude=[left.student_number])
    assert result["graduated"] == 1
    kept.refresh_from_db(), left.refresh_from_db()
    assert (kept.status, left.status) == ("毕业", "在籍")
    # The excluded pupil waits; the county may reject him with a reason.
    services.decide(w.county_xd, batch, approve=False, students=[left.student_number], comment="缺少材料")
    assert Application.objects.get(student=left).status == "rejected"
    left.refresh_from_db()
    assert left.status == "在籍"


def test_county_approves_only_the_selected(people, enrolled, clock):
    w = people
    one, two = enrolled(grade=6), enrolled(grade=6)
    batch = services.propose(w.registrar_a, w.school_a.pk, [one.student_number, two.student_number])
    _through_leader(w, batch)
    assert services.decide(w.county_xd, batch, approve=True, students=[two.student_number])["graduated"] == 1
    assert Certificate.objects.filter(student=two).exists() and not Certificate.objects.filter(student=one).exists()


def test_not_final_grade_refused_with_article_34(people, enrolled, clock):
    w = people
    fifth = enrolled(grade=5)
    with pytest.raises(RuleViolation) as exc:
        services.propose(w.registrar_a, w.school_a.pk, [fifth.student_number])
    assert exc.value.violations[0].code == "graduation_not_final_grade"
    assert exc.value.violations[0].article == "第三十四条"
    assert not Application.objects.filter(type="graduation").exists()


def test_not_enrolled_refused_with_article_34_and_nothing_filed(people, enrolled, clock):
    w = people
    ok, suspended = enrolled(grade=6), enrolled(grade=6)
    suspended.status = "休学"
    suspended.save(update_fields=["status"])
    with pytest.raises(RuleViolation) as exc:
        services.propose(w.registrar_a, w.school_a.pk, [ok.student_number, suspended.student_number])
    assert [(v.code, v.article, v.field) for v in exc.value.violations] == [
        ("graduation_not_enrolled", "第三十四条", "students[1]")]
    assert not Application.objects.filter(type="graduation").exists()


def test_only_the_schools_registrar_proposes(people, enrolled, clock):
    w = people
    pupil = enrolled(grade=6)
    with pytest.raises(NotFound):
        services.propose(w.registrar_b, w.school_a.pk, [pupil.student_number])
    with pytest.raises(Forbidden):
        services.propose(w.leader_a, w.school_a.pk, [pupil.student_number])
    # Another school's pupil cannot be slipped into one's own batch.
    with pytest.raises(RuleViolation) as exc:
        services.propose(w.registrar_b, w.school_b.pk, [pupil.student_number])
    assert exc.value.violations[0].code == "student_not_found"


def test_outsiders_cannot_decide(people, enrolled, clock):
    w = people
    batch = services.propose(w.registrar_a, w.school_a.pk, [enrolled(grade=6).student_number])
    with pytest.raises(NotFound):
        services.decide(w.county_yz, batch, approve=True)
    with pytest.raises(NotFound):
        services.decide(w.city_dt, batch, approve=True)
    with pytest.raises(Forbidden):  # the county's turn has not come: the leader decides first
        services.decide(w.county_xd, batch, approve=True)


def test_generic_single_approval_also_graduates(people, enrolled, clock):
    from xueji.applications import services as applications

    w = people
    pupil = enrolled(grade=6)
    batch = services.propose(w.registrar_a, w.school_a.pk, [pupil.student_number])
    app = Application.objects.get(batch=batch)
    applications.approve(w.leader_a, app.pk)
    applications.approve(w.county_xd, app.pk)
    pupil.refresh_from_db()
    assert pupil.status == "毕业" and Certificate.objects.filter(student=pupil, application=app).exists()
