"""The school's term-end re-check (第四十三条): each kind of data-quality problem is listed with where to fix it,
the term's changes are counted by kind, and only the school and its bureaus may read it."""

import datetime

import pytest

from tests import factories as f
from tests.placement.conftest import pupils
from xueji.applications.models import Application, Step
from xueji.audit.models import AuditEvent
from xueji.guardians.models import TermCheck
from xueji.placement.models import PlacementItem, PlacementPlan

from .conftest import TERM, YEAR

pytestmark = pytest.mark.django_db


def sections(answer) -> dict:
    return {s["kind"]: s for s in answer.json()["sections"]}


def test_the_list_names_each_problem_and_where_to_fix_it(world, api_for, make_student, term):
    pupil = make_student(name="李小红")  # the form gives no photo
    full = pupils(world.school_a, 1, 46, school_class=world.class_a1)  # above 45, the primary normal cap
    TermCheck.objects.create(user=f.user("parent", "guardian"), student=full[0], school_year=YEAR, term=TERM,
                             answer=TermCheck.Answer.CONFIRMED)
    late = Application.objects.create(type="info_change", student=pupil, school=world.school_a,
                                      created_by=world.registrar_a)
    Step.objects.create(application=late, order=1, label="学校审核", org_code=world.school_a.pk, org_name="坞城路小学",
                        role="leader", status=Step.Status.PENDING,
                        due_date=datetime.date.today() - datetime.timedelta(days=3))
    answer = api_for(world.registrar_a).get("/api/v1/semester/review", term)
    assert answer.status_code == 200, answer.content
    found = sections(answer)
    assert found["photo"]["count"] == 47 and found["photo"]["article"] == "第十一条"
    # The bulk pupils lack the address items of 附件6; the record made through the form has them all.
    assert found["required"]["count"] == 46 and "/edit/" in found["required"]["rows"][0]["url"]
    # 在籍 pupils whose guardian has not confirmed this term: the 46 seated less the one confirmed (李小红 待注册).
    assert found["guardian"]["count"] == 45
    over = found["over_cap"]
    assert over["count"] == 1 and "46人" in over["rows"][0]["detail"] and "未记录理由" in over["rows"][0]["detail"]
    assert found["overdue"]["count"] == 1 and f"/applications/{late.pk}/" in found["overdue"]["rows"][0]["url"]
    assert found["duplicate"]["count"] == 0
    assert answer.json()["changes_total"] >= 1  # 建档 of 李小红 this term
    assert AuditEvent.objects.filter(action="semester.review", actor=world.registrar_a).exists()


def test_an_approved_reason_is_shown_beside_the_class(world, api_for, term):
    pupils(world.school_a, 1, 46, school_class=world.class_a1)
    plan = PlacementPlan.objects.create(school=world.school_a, grade=1, entry_year=2026, status="approved",
                                        reason="学区人口激增,经县局同意", created_by=world.registrar_a)
    student = pupils(world.school_a, 1, 1)[0]
    PlacementItem.objects.create(plan=plan, student=student, school_class=world.class_a1, open=False)
    over = sections(api_for(world.registrar_a).get("/api/v1/semester/review", term))["over_cap"]
    assert "学区人口激增" in over["rows"][0]["detail"]


def test_outsiders_are_refused_the_review(world, api_for, client_for, term):
    url = f"/api/v1/semester/review?school={world.school_a.pk}&school_year={YEAR}&term={TERM}"
    assert api_for(world.county_xd).get(url).status_code == 200
    for outsider in (world.registrar_b, world.county_yz, world.city_dt):
        assert api_for(outsider).get(url).status_code == 404
        assert client_for(outsider).get(f"/semester/review/{world.school_a.pk}/").status_code == 404
    assert api_for(world.auditor).get(url).status_code == 403
    page = client_for(world.registrar_a).get(f"/semester/review/{world.school_a.pk}/", term)
    assert page.status_code == 200 and "学期复核清单" in page.content.decode()
