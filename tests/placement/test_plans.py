"""Placement plans through their life: forming classes, balanced and manual placement, submission to the
competent authority, approval (the students move, with history and one audit row), rejection, withdrawal,
and the authorities that may not decide."""

from collections import Counter

import pytest

from tests import factories as f
from tests.placement.conftest import pupils
from xueji.audit.models import AuditEvent
from xueji.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from xueji.orgs.models import SchoolClass
from xueji.placement import selectors, services
from xueji.placement.models import PlacementItem, PlacementPlan
from xueji.students.models import Enrolment, StatusEvent, Student

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(world):
    """School A's 2026 一年级: three classes (1班 exists) and 100 unplaced pupils with a few traits."""
    services.form_classes(world.registrar_a, world.school_a, grade=1, entry_year=2026, count=2)
    boys = pupils(world.school_a, 1, 55, gender="1")
    girls = pupils(world.school_a, 1, 45, gender="2")
    Student.objects.filter(pk__in=[s.pk for s in boys[:6] + girls[:3]]).update(migrant_child=True)
    Student.objects.filter(pk__in=[s.pk for s in boys[10:13] + girls[10:14]]).update(left_behind="2")
    Student.objects.filter(pk__in=[s.pk for s in girls[20:23]]).update(ethnicity="03")
    return boys + girls


def auto_plan(world):
    return services.create_plan(world.registrar_a, world.school_a, grade=1, entry_year=2026, mode="auto")


# ------------------------------------------------------------------ forming classes


def test_forming_classes_continues_the_numbering(world):
    created = services.form_classes(world.registrar_a, world.school_a, grade=1, entry_year=2026, count=3)
    assert [c.name for c in created] == ["2班", "3班", "4班"]  # 1班 exists already
    assert AuditEvent.objects.filter(action="class.create", actor=world.registrar_a).count() == 3


def test_forming_classes_is_all_or_nothing(world):
    f.school_class(world.school_a, grade=1, name="3班")
    with pytest.raises(Conflict):
        services.form_classes(world.registrar_a, world.school_a, grade=1, entry_year=2026, count=3, start=1)
    assert SchoolClass.objects.filter(school=world.school_a).count() == 2


@pytest.mark.parametrize("count", [0, 41])
def test_forming_classes_needs_a_sensible_count(world, count):
    with pytest.raises(RuleViolation) as exc:
        services.form_classes(world.registrar_a, world.school_a, grade=1, entry_year=2026, count=count)
    assert exc.value.violations[0].field == "count"


def test_another_schools_registrar_cannot_form_classes(world):
    with pytest.raises(NotFound):
        services.form_classes(world.registrar_b, world.school_a, grade=1, entry_year=2026, count=1)


# ------------------------------------------------------------------ balanced placement


def test_balanced_placement_evens_sizes_and_gender(world, cohort):
    plan = auto_plan(world)
    assert plan.status == "draft" and plan.mode == "auto"
    assert plan.items.count() == 100
    rows = selectors.plan_table(plan)["rows"]
    sizes = [r["size"] for r in rows]
    boys = [r["boys"] for r in rows]
    girls = [r["girls"] for r in rows]
    assert sum(sizes) == 100 and max(sizes) - min(sizes) <= 1
    assert max(boys) - min(boys) <= 1 and max(girls) - min(girls) <= 1
    for trait in ("migrant", "left_behind", "minority"):
        values = [r[trait] for r in rows]
        assert max(values) - min(values) <= 1, trait
    assert [r["migrant"] for r in rows] == [3, 3, 3]
    assert all(r["average_birth"].startswith("2019年") for r in rows)
    # Nothing moves before the authority approves (第十三条).
    assert not Student.objects.filter(school_class__isnull=False).exists()


def test_balanced_placement_skips_students_waiting_in_another_plan(world, cohort):
    first = auto_plan(world)
    with pytest.raises(RuleViolation) as exc:
        auto_plan(world)
    assert exc.value.violations[0].code == "nothing_to_place"
    assert PlacementPlan.objects.count() == 1 and first.items.count() == 100


def test_a_plan_needs_classes(world):
    pupils(world.school_a, 2, 3)
    with pytest.raises(RuleViolation) as exc:
        services.create_plan(world.registrar_a, world.school_a, grade=2, entry_year=2026, mode="auto")
    assert exc.value.violations[0].code == "no_classes"


# ------------------------------------------------------------------ adjusting by hand


def test_moving_a_student_between_classes_in_a_draft(world, cohort):
    plan = auto_plan(world)
    item = plan.items.select_related("school_class").first()
    target = SchoolClass.objects.filter(school=world.school_a, grade=1).exclude(pk=item.school_class_id).first()
    services.place(world.registrar_a, plan, [item.student], target)
    assert PlacementItem.objects.get(pk=item.pk).school_class == target
    assert plan.items.filter(open=True).count() == 100


def test_taking_a_student_out_of_a_draft_frees_him(world, cohort):
    plan = auto_plan(world)
    student = plan.items.first().student
    services.unplace(world.registrar_a, plan, [student])
    assert plan.items.filter(open=True).count() == 99
    assert selectors.unplaced_students(world.school_a, 1).filter(pk=student.pk).exists()


def test_a_student_waits_in_one_plan_at_a_time(world, registrar_a_bis):
    [student] = pupils(world.school_a, 1, 1)
    mine = services.create_plan(world.registrar_a, world.school_a, grade=1, entry_year=2026,
                                items=[(student, world.class_a1)])
    other = services.create_plan(registrar_a_bis, world.school_a, grade=1, entry_year=2026)
    with pytest.raises(Conflict) as exc:
        services.place(registrar_a_bis, other, [student], world.class_a1)
    assert exc.value.violations[0].code == "student_in_other_plan"
    assert f"#{mine.pk}" in exc.value.violations[0].message


def test_a_student_of_another_grade_or_status_cannot_be_placed(world):
    [second_grader] = pupils(world.school_a, 2, 1)
    [left] = pupils(world.school_a, 1, 1, status="转出")
    plan = services.create_plan(world.registrar_a, world.school_a, grade=1, entry_year=2026)
    with pytest.raises(RuleViolation) as exc:
        services.place(world.registrar_a, plan, [second_grader, left], world.class_a1)
    assert [v.code for v in exc.value.violations] == ["student_not_in_grade", "student_not_placeable"]


def test_a_class_of_another_grade_is_not_in_the_plan(world):
    [student] = pupils(world.school_a, 1, 1)
    grade_two = f.school_class(world.school_a, grade=2, name="1班", entry_year=2025)
    plan = services.create_plan(world.registrar_a, world.school_a, grade=1, entry_year=2026)
    with pytest.raises(RuleViolation) as exc:
        services.place(world.registrar_a, plan, [student], grade_two)
    assert exc.value.violations[0].code == "class_not_in_plan"


# ------------------------------------------------------------------ submission and approval


def test_approval_places_the_students_with_history_and_one_audit_row(world, cohort):
    plan = services.submit(world.registrar_a, auto_plan(world))
    assert plan.status == "submitted" and plan.authority == world.xiaodian
    before = AuditEvent.objects.filter(action="placement.approve").count()
    plan = services.approve(world.county_xd, plan, comment="同意")
    assert plan.status == "approved" and plan.decided_by == world.county_xd
    placed = dict(PlacementItem.objects.filter(plan=plan).values_list("student_id", "school_class_id"))
    assert dict(Student.objects.filter(pk__in=placed).values_list("pk", "school_class_id")) == placed
    enrolments = Enrolment.objects.filter(student_id__in=placed, ended_on__isnull=True)
    assert dict(enrolments.values_list("student_id", "school_class_id")) == placed
    events = StatusEvent.objects.filter(kind="编班", student_id__in=placed)
    assert events.count() == 100
    event = events.select_related("student__school_class").first()
    assert event.changes == {"school_class": [None, event.student.school_class.name]}
    assert event.actor == world.county_xd and event.from_status == event.to_status == "在籍"
    assert AuditEvent.objects.filter(action="placement.approve").count() == before + 1
    # The seats are no longer held by the plan: the students now sit in their classes.
    assert not PlacementItem.objects.filter(open=True).exists()
    assert Counter(Student.objects.values_list("school_class__name", flat=True)) == {"1班": 34, "2班": 33, "3班": 33}


def test_a_placed_student_can_be_moved_by_a_later_plan(world):
    [student] = pupils(world.school_a, 1, 1, school_class=world.class_a1)
    other = f.school_class(world.school_a, grade=1, name="2班")
    plan = services.place_student(world.registrar_a, student, other)
    services.approve(world.county_xd, plan)
    student.refresh_from_db()
    assert student.school_class == other
    event = StatusEvent.objects.get(student=student, kind="编班")
    assert event.changes == {"school_class": ["1班", "2班"]}


def test_the_authority_rejects_with_a_reason(world, cohort):
    plan = services.submit(world.registrar_a, auto_plan(world))
    with pytest.raises(RuleViolation) as exc:
        services.reject(world.county_xd, plan, comment="")
    assert exc.value.violations[0].field == "comment"
    plan = services.reject(world.county_xd, plan, comment="男女比例请再调整")
    assert plan.status == "rejected" and plan.comment == "男女比例请再调整"
    assert not Student.objects.filter(school_class__isnull=False).exists()
    assert AuditEvent.objects.filter(action="placement.reject", reason="男女比例请再调整").exists()
    # The students are free for a new plan.
    assert auto_plan(world).items.count() == 100


def test_a_decided_plan_cannot_be_decided_again_or_edited(world, cohort):
    plan = services.approve(world.county_xd, services.submit(world.registrar_a, auto_plan(world)))
    with pytest.raises(Conflict):
        services.approve(world.county_xd, plan)
    with pytest.raises(Conflict):
        services.reject(world.county_xd, plan, comment="重新审核")
    with pytest.raises(Conflict):
        services.submit(world.registrar_a, plan)
    with pytest.raises(Conflict):
        services.cancel(world.registrar_a, plan)


def test_a_draft_cannot_be_approved(world, cohort):
    with pytest.raises(Conflict):
        services.approve(world.county_xd, auto_plan(world))


def test_an_empty_plan_cannot_be_submitted(world):
    plan = services.create_plan(world.registrar_a, world.school_a, grade=1, entry_year=2026)
    with pytest.raises(RuleViolation) as exc:
        services.submit(world.registrar_a, plan)
    assert exc.value.violations[0].code == "plan_empty"


def test_the_registrar_withdraws_a_plan_and_it_stays_visible(world, cohort):
    plan = services.submit(world.registrar_a, auto_plan(world))
    plan = services.cancel(world.registrar_a, plan)
    assert plan.status == "cancelled" and plan.items.count() == 100
    assert not PlacementItem.objects.filter(open=True).exists()


def test_a_student_who_left_meanwhile_stops_the_approval(world):
    [student] = pupils(world.school_a, 1, 1)
    plan = services.place_student(world.registrar_a, student, world.class_a1)
    Student.objects.filter(pk=student.pk).update(status="转出")
    with pytest.raises(RuleViolation) as exc:
        services.approve(world.county_xd, plan)
    assert exc.value.violations[0].code == "student_not_placeable"


# ------------------------------------------------------------------ who may do what


def test_the_city_approves_a_high_school_plan(world, senior_class):
    [student] = pupils(world.high, 10, 1)
    plan = services.place_student(world.registrar_high, student, senior_class)
    assert plan.authority == world.taiyuan
    with pytest.raises(NotFound):
        services.approve(world.county_xd, plan)  # a city-run school is outside the county's tree
    assert services.approve(world.city_ty, plan).status == "approved"


def test_a_county_cannot_approve_high_school_grades_of_its_own_school(world):
    # A 完全中学 under 小店区: its 初中 grades answer to the county, its 高中 grades to the city (第三条).
    school = f.school("1114010503", "太原市小店区第二中学", "341", world.xiaodian)
    registrar = f.user("reg_full", "registrar", school=school)
    senior = f.school_class(school, grade=10, name="高一1班")
    [student] = pupils(school, 10, 1)
    plan = services.place_student(registrar, student, senior)
    with pytest.raises(Forbidden) as exc:
        services.approve(world.county_xd, plan)
    assert "太原市" in exc.value.message
    assert services.approve(world.city_ty, plan).status == "approved"


def test_another_county_and_the_wrong_tier_cannot_decide(world):
    [student] = pupils(world.school_a, 1, 1)
    plan = services.place_student(world.registrar_a, student, world.class_a1)
    with pytest.raises(NotFound):
        services.approve(world.county_yz, plan)
    with pytest.raises(NotFound):
        services.reject(world.city_dt, plan, comment="不同意")
    for officer in (world.city_ty, world.province_officer):
        with pytest.raises(Forbidden):
            services.approve(officer, plan)
    with pytest.raises(Forbidden):
        services.approve(world.registrar_a, plan)
    assert PlacementPlan.objects.get(pk=plan.pk).status == "submitted"


def test_only_the_schools_registrar_drafts(world):
    [student] = pupils(world.school_a, 1, 1)
    with pytest.raises(NotFound):
        services.create_plan(world.registrar_b, world.school_a, grade=1, entry_year=2026)
    for user in (world.leader_a, world.county_xd):
        with pytest.raises(Forbidden):
            services.create_plan(user, world.school_a, grade=1, entry_year=2026)
    plan = services.create_plan(world.registrar_a, world.school_a, grade=1, entry_year=2026)
    with pytest.raises(NotFound):
        services.place(world.registrar_b, plan, [student], world.class_a1)
    with pytest.raises(Forbidden):
        services.place(world.county_xd, plan, [student], world.class_a1)
    with pytest.raises(NotFound):
        services.place_student(world.registrar_b, student, world.class_a1)
