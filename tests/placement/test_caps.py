"""第十三条 class caps at every stage: above the normal cap only with a recorded reason, above the hard cap never,
counting the seats that plans awaiting approval already hold, and checked again on approval."""

import pytest

from tests import factories as f
from tests.placement.conftest import pupils
from xueji.core.errors import RuleViolation
from xueji.placement import services
from xueji.placement.models import PlacementPlan

pytestmark = pytest.mark.django_db


def late(world, school_class, *, reason="", actor=None, school=None):
    """Place one new unplaced student of the class's grade into it (a plan of one, submitted at once)."""
    school = school or school_class.school
    actor = actor or {world.school_a.pk: world.registrar_a, world.school_a2.pk: world.registrar_a2,
                      world.high.pk: world.registrar_high}[school.pk]
    [student] = pupils(school, school_class.grade, 1)
    return services.place_student(actor, student, school_class, reason=reason)


def refusal(exc_info):
    [v] = exc_info.value.violations
    return v


def test_the_51st_pupil_is_refused_from_a_primary_class_of_50(world):
    pupils(world.school_a, 1, 50, school_class=world.class_a1)
    with pytest.raises(RuleViolation) as exc:
        late(world, world.class_a1, reason="学区生源集中")
    v = refusal(exc)
    assert (v.code, v.article, v.field) == ("class_over_hard_cap", "第十三条", "school_class")
    assert "50" in v.message and "51" in v.message and "第十三条" in v.message
    # Nothing was written: no plan, no reserved seat.
    assert not PlacementPlan.objects.exists()


def test_the_50th_primary_pupil_is_accepted_with_a_reason(world):
    pupils(world.school_a, 1, 49, school_class=world.class_a1)
    plan = late(world, world.class_a1, reason="学区生源集中")
    assert plan.status == "submitted" and plan.reason == "学区生源集中"


def test_the_46th_primary_pupil_needs_a_recorded_reason(world):
    pupils(world.school_a, 1, 45, school_class=world.class_a1)
    with pytest.raises(RuleViolation) as exc:
        late(world, world.class_a1)
    v = refusal(exc)
    assert (v.code, v.article) == ("class_over_normal_cap_needs_reason", "第十三条")
    assert "45" in v.message and "理由" in v.message
    plan = late(world, world.class_a1, reason="随迁子女集中入学,经协调仍超额1人")
    assert plan.reason == "随迁子女集中入学,经协调仍超额1人"


def test_the_45th_primary_pupil_needs_no_reason(world):
    pupils(world.school_a, 1, 44, school_class=world.class_a1)
    assert late(world, world.class_a1).status == "submitted"


@pytest.mark.parametrize("seated,reason,refused_code", [
    (49, "", None),                                        # 50th: within the normal cap
    (50, "", "class_over_normal_cap_needs_reason"),        # 51st: needs a reason
    (54, "家长工作调动", None),                              # 55th: allowed with a reason
    (55, "家长工作调动", "class_over_hard_cap"),             # 56th: never
])
def test_junior_boundaries_50_and_55(world, junior_class, seated, reason, refused_code):
    pupils(world.school_a2, 7, seated, school_class=junior_class)
    if refused_code is None:
        assert late(world, junior_class, reason=reason).status == "submitted"
    else:
        with pytest.raises(RuleViolation) as exc:
            late(world, junior_class, reason=reason)
        assert (refusal(exc).code, refusal(exc).article) == (refused_code, "第十三条")


@pytest.mark.parametrize("seated,reason,refused_code", [
    (49, "", None),                                        # 50th: within the limit
    (50, "", "class_over_hard_cap"),                       # 51st: refused ...
    (50, "生源计划调整", "class_over_hard_cap"),             # ... and no reason passes 高一's 50
])
def test_senior_grade_one_is_limited_to_50_with_no_exception(world, senior_class, seated, reason, refused_code):
    # 第十三条 "普通高中高一年级班容量限定在50人以内": 限定, not 原则上.
    pupils(world.high, 10, seated, school_class=senior_class)
    if refused_code is None:
        assert late(world, senior_class, reason=reason).status == "submitted"
    else:
        with pytest.raises(RuleViolation) as exc:
            late(world, senior_class, reason=reason)
        assert (refusal(exc).code, refusal(exc).article) == (refused_code, "第十三条")
        assert "50" in refusal(exc).message and "没有例外" in refusal(exc).message
        assert not PlacementPlan.objects.exists()


def test_a_senior_grade_one_draft_cannot_take_a_51st_pupil(world, senior_class):
    # A draft takes its seats at once: past 高一's 50 it is refused there, before any reason could be given.
    pupils(world.high, 10, 50, school_class=senior_class)
    [student] = pupils(world.high, 10, 1)
    plan = services.create_plan(world.registrar_high, world.high, grade=10, entry_year=2026)
    with pytest.raises(RuleViolation) as exc:
        services.place(world.registrar_high, plan, [student], senior_class)
    assert (refusal(exc).code, refusal(exc).article) == ("class_over_hard_cap", "第十三条")
    assert not plan.items.exists()


def test_senior_grade_two_has_only_the_hard_cap_of_56(world):
    # "普通高中高一年级班容量限定在50人以内,三年内不超过56人": no reason needed above 50 in 高二, none passes 56.
    grade_two = f.school_class(world.high, grade=11, name="高二1班", entry_year=2025)
    pupils(world.high, 11, 52, school_class=grade_two)
    assert late(world, grade_two).status == "submitted"
    pupils(world.high, 11, 3, school_class=grade_two)  # 52 + 1 promised + 3 = 56
    with pytest.raises(RuleViolation) as exc:
        late(world, grade_two, reason="生源计划调整")
    assert (refusal(exc).code, refusal(exc).article) == ("class_over_hard_cap", "第十三条")


def test_seats_held_by_plans_awaiting_approval_count(world):
    pupils(world.school_a, 1, 49, school_class=world.class_a1)
    late(world, world.class_a1, reason="生源集中")  # the 50th seat is now promised
    with pytest.raises(RuleViolation) as exc:
        late(world, world.class_a1, reason="生源集中")
    assert refusal(exc).code == "class_over_hard_cap"


def test_a_rejected_plan_frees_its_seat(world):
    pupils(world.school_a, 1, 49, school_class=world.class_a1)
    plan = late(world, world.class_a1, reason="生源集中")
    services.reject(world.county_xd, plan, comment="请分流到2班")
    assert late(world, world.class_a1, reason="生源集中").status == "submitted"


def test_a_draft_may_pass_the_normal_cap_but_submission_needs_the_reason(world):
    pupils(world.school_a, 1, 45, school_class=world.class_a1)
    [student] = pupils(world.school_a, 1, 1)
    plan = services.create_plan(world.registrar_a, world.school_a, grade=1, entry_year=2026)
    services.place(world.registrar_a, plan, [student], world.class_a1)
    with pytest.raises(RuleViolation) as exc:
        services.submit(world.registrar_a, plan)
    assert refusal(exc).code == "class_over_normal_cap_needs_reason"
    plan = services.submit(world.registrar_a, plan, reason="学区生源集中")
    assert PlacementPlan.objects.get(pk=plan.pk).reason == "学区生源集中"


def test_a_draft_cannot_pass_the_hard_cap(world):
    pupils(world.school_a, 1, 48, school_class=world.class_a1)
    newcomers = pupils(world.school_a, 1, 3)
    plan = services.create_plan(world.registrar_a, world.school_a, grade=1, entry_year=2026)
    with pytest.raises(RuleViolation) as exc:
        services.place(world.registrar_a, plan, newcomers, world.class_a1)
    assert (refusal(exc).code, refusal(exc).article) == ("class_over_hard_cap", "第十三条")
    assert not plan.items.exists()


def test_approval_checks_the_caps_again(world):
    # The plan was within the cap when submitted; meanwhile the class filled up by another way.
    pupils(world.school_a, 1, 45, school_class=world.class_a1)
    plan = late(world, world.class_a1, reason="生源集中")
    pupils(world.school_a, 1, 5, school_class=world.class_a1)  # now 50 seated + 1 promised = 51
    with pytest.raises(RuleViolation) as exc:
        services.approve(world.county_xd, plan)
    assert refusal(exc).code == "class_over_hard_cap" and refusal(exc).article == "第十三条"
    assert PlacementPlan.objects.get(pk=plan.pk).status == "submitted"


def test_auto_placement_refuses_when_the_classes_lack_seats(world):
    pupils(world.school_a, 1, 51)
    with pytest.raises(RuleViolation) as exc:
        services.create_plan(world.registrar_a, world.school_a, grade=1, entry_year=2026, mode="auto")
    v = refusal(exc)
    assert v.article == "第十三条" and "增加班级" in v.message
    assert not PlacementPlan.objects.exists()
