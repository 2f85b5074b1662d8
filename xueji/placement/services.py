"""Writes for class placement (编班, 第十三条). Each takes the acting user and writes its audit row in the same
transaction.

Every placement goes through a plan that the competent authority approves, a late student too (a plan of one,
submitted at once): 第十三条 has the authority review placements before the students are put in classes.
A placement takes its seat when it is entered, under a row lock on the class, so two registrars placing at the
same moment cannot together pass the hard cap; the caps are checked again on submission and on approval.
"""

import re
from collections import Counter

from django.db import IntegrityError, transaction
from django.utils import timezone

from xueji.audit import services as audit
from xueji.core.errors import Conflict, Forbidden, NotFound, RuleViolation
from xueji.core.inputs import FIRST_YEAR, LAST_YEAR
from xueji.orgs import services as org_services
from xueji.orgs.models import Campus, School, SchoolClass
from xueji.orgs.permissions import SchoolPolicy
from xueji.policy.violations import Violation
from xueji.students.models import Enrolment, StatusEvent, Student
from xueji.students.permissions import StudentPolicy

from . import balance, selectors
from .models import PlacementItem, PlacementPlan
from .permissions import PlanPolicy

MAX_NEW_CLASSES = 40
Status = PlacementPlan.Status


# ------------------------------------------------------------------ forming classes


def next_class_number(school: School, entry_year: int) -> int:
    """One past the highest "N班" of this school's cohort, so new classes continue the numbering."""
    names = SchoolClass.objects.filter(school=school, entry_year=entry_year).values_list("name", flat=True)
    numbers = [int(m.group(1)) for m in (re.match(r"^(\d+)班$", n) for n in names) if m]
    return max(numbers, default=0) + 1


def form_classes(actor, school: School, *, grade: int, entry_year: int, count: int, start: int | None = None,
                 campus: Campus | None = None) -> list[SchoolClass]:
    """Create `count` classes named "1班", "2班", … for a grade, all or none."""
    if not SchoolPolicy.user_can(actor, "view", school):
        raise NotFound("未找到该学校,或该学校不在您的管辖范围内",
                       actor=actor, action="placement.classes", object_type="school", object_id=school.pk)
    if not 1 <= int(count or 0) <= MAX_NEW_CLASSES:
        raise RuleViolation(Violation(code="invalid_count", field="count",
                                      message=f"班级个数须为1至{MAX_NEW_CLASSES}之间的整数"))
    if start is not None and not 1 <= int(start) <= 999:
        raise RuleViolation(Violation(code="invalid_start", field="start", message="起始班号须为1至999之间的整数"))
    with transaction.atomic():
        first = start or next_class_number(school, entry_year)
        return [org_services.create_class(actor, school, grade=grade, name=f"{n}班", entry_year=entry_year,
                                          campus=campus)
                for n in range(first, first + int(count))]


# ------------------------------------------------------------------ checks shared by the services


def _editable(actor, plan: PlacementPlan, verb: str) -> PlacementPlan:
    """Re-read the plan under its row lock and make sure the actor may edit it in its current state."""
    plan = PlacementPlan.objects.select_for_update(of=("self",)).select_related("school").get(pk=plan.pk)
    if not PlanPolicy.user_can(actor, "view", plan):
        raise NotFound("未找到该编班方案,或其不在您的管辖范围内",
                       actor=actor, action="placement.edit", object_type="placementplan", object_id=plan.pk)
    if not PlanPolicy.user_can(actor, "edit", plan):
        raise Forbidden("只有本校学籍管理员可以编班")
    if plan.status != Status.DRAFT:
        raise Conflict(Violation(code="plan_not_draft", field="status",
                                 message=f"该编班方案{plan.get_status_display()},不能再{verb};如需调整请新建方案"))
    return plan


def _lock_classes(class_ids) -> None:
    # Always in id order, so two transactions locking several classes cannot deadlock.
    list(SchoolClass.objects.select_for_update().filter(pk__in=list(class_ids)).order_by("pk").values_list("pk"))


def _class_in_plan(plan: PlacementPlan, school_class: SchoolClass) -> None:
    if (school_class.school_id, school_class.grade, school_class.entry_year) != (
            plan.school_id, plan.grade, plan.entry_year):
        raise RuleViolation(Violation(
            code="class_not_in_plan", field="school_class",
            message=f"班级“{school_class}”不属于本方案({plan.entry_year}级{plan.grade_label}),请选择本年级的班级"))


def _placeable_problems(plan: PlacementPlan, students) -> list[Violation]:
    problems = []
    for s in students:
        if s.school_id != plan.school_id or s.grade != plan.grade:
            problems.append(Violation(code="student_not_in_grade", field="students",
                                      message=f"{s.name}不是本校{plan.grade_label}的学生,不能编入本方案"))
        elif s.status not in selectors.PLACEABLE:
            problems.append(Violation(code="student_not_placeable", field="students",
                                      message=f"{s.name}学籍状态为“{s.status}”,不能编班"))
    return problems


def _waiting_elsewhere(plan: PlacementPlan, student_ids) -> list[Violation]:
    taken = (PlacementItem.objects.filter(open=True, student_id__in=list(student_ids)).exclude(plan=plan)
             .select_related("student", "plan"))
    return [Violation(code="student_in_other_plan", field="students",
                      message=f"{i.student.name}已在编班方案#{i.plan_id}中待审核或编制中,请先在该方案中移出")
            for i in taken]


def _hard_cap(plan: PlacementPlan, classes) -> list[Violation]:
    loads = selectors.class_loads([c.pk for c in classes], plan)
    return [v for c in classes for v in selectors.cap_violations(c, loads[c.pk], reason="", hard_only=True)]


def _all_caps(plan: PlacementPlan) -> list[Violation]:
    """第十三条 for every class this plan adds students to, with the plan's reason for passing the normal cap."""
    joined = list(selectors.open_items(plan).values_list("school_class_id", flat=True).distinct())
    _lock_classes(joined)
    loads = selectors.class_loads(joined, plan)
    classes = SchoolClass.objects.filter(pk__in=joined).order_by("pk")
    return [v for c in classes if loads[c.pk].joining
            for v in selectors.cap_violations(c, loads[c.pk], reason=plan.reason)]


# ------------------------------------------------------------------ plans


def create_plan(actor, school: School, *, grade: int, entry_year: int, mode: str = "manual",
                classes: list[SchoolClass] | None = None, items: list[tuple[Student, SchoolClass]] = (),
                reason: str = "") -> PlacementPlan:
    """A draft plan for one grade of one cohort; "auto" places the grade's unplaced students at once."""
    if not PlanPolicy.can_create_at(actor, school):
        if SchoolPolicy.user_can(actor, "view", school):
            raise Forbidden("编班由学校学籍管理员进行,主管部门负责审核(第十三条)")
        raise NotFound("未找到该学校,或该学校不在您的管辖范围内",
                       actor=actor, action="placement.create", object_type="school", object_id=school.pk)
    problems = []
    if not FIRST_YEAR <= int(entry_year or 0) <= LAST_YEAR:
        problems.append(Violation(code="invalid_year", field="entry_year",
                                  message=f"入学年份须为{FIRST_YEAR}至{LAST_YEAR}之间的四位年份"))
    if grade not in school.grades:
        problems.append(Violation(code="grade_not_offered", field="grade",
                                  message=f"{school.name}不设该年级,请选择本校设置的年级"))
    if mode not in PlacementPlan.Mode.values:
        problems.append(Violation(code="invalid_mode", field="mode", message="编班方式须为 auto(均衡编班)或 manual(手工编班)"))
    if problems:
        raise RuleViolation(problems)
    with transaction.atomic():
        plan = PlacementPlan.objects.create(
            school=school, grade=grade, entry_year=entry_year, mode=mode, reason=(reason or "").strip()[:500],
            authority=school.authority_for(grade), created_by=actor)
        if not selectors.plan_classes(plan):
            raise RuleViolation(Violation(code="no_classes", field="classes",
                                          message=f"本校{entry_year}级{plan.grade_label}还没有班级,请先建立班级"))
        if mode == PlacementPlan.Mode.AUTO:
            auto_place(actor, plan, classes)
        by_class: dict[SchoolClass, list[Student]] = {}
        for student, school_class in items:
            by_class.setdefault(school_class, []).append(student)
        for school_class, students in by_class.items():
            place(actor, plan, students, school_class)
        audit.record(actor, "placement.create", obj=plan, details={"grade": grade, "entry_year": entry_year,
                                                                  "mode": mode})
    return plan


def place(actor, plan: PlacementPlan, students: list[Student], school_class: SchoolClass) -> PlacementPlan:
    """Put students into a class in a draft plan, or move them there from another class of the plan.

    The seat is taken at once: above the hard cap is refused here (第十三条); above the normal cap is allowed
    in a draft and needs the plan's reason on submission."""
    with transaction.atomic():
        plan = _editable(actor, plan, "调整")
        _class_in_plan(plan, school_class)
        students = list({s.pk: s for s in students}.values())
        problems = _placeable_problems(plan, students)
        if not students:
            problems.append(Violation(code="required", field="students", message="请选择要编入的学生"))
        if problems:
            raise RuleViolation(problems)
        _lock_classes([school_class.pk])
        if taken := _waiting_elsewhere(plan, [s.pk for s in students]):
            raise Conflict(taken)
        _write_items(plan, students, school_class)
        if over := _hard_cap(plan, [school_class]):
            raise RuleViolation(over)
        audit.record(actor, "placement.place", obj=plan,
                     details={"class": school_class.pk, "students": [s.pk for s in students]})
    return plan


def _write_items(plan: PlacementPlan, students: list[Student], school_class: SchoolClass) -> None:
    existing = {i.student_id: i for i in plan.items.filter(student__in=students)}
    stay = [s.pk for s in students if s.school_class_id == school_class.pk]
    # Placing a student into the class he already sits in just takes him back out of the plan.
    plan.items.filter(student_id__in=stay).update(open=False, withdrawn_at=timezone.now())
    again = [pk for pk in existing if pk not in stay]
    plan.items.filter(student_id__in=again).update(school_class=school_class, open=True, withdrawn_at=None)
    new = [PlacementItem(plan=plan, student=s, school_class=school_class, from_class_id=s.school_class_id)
           for s in students if s.pk not in existing and s.pk not in stay]
    try:
        with transaction.atomic():
            PlacementItem.objects.bulk_create(new)
    except IntegrityError as exc:
        # Another registrar put one of these students into his own plan a moment ago.
        raise Conflict(Violation(code="student_in_other_plan", field="students",
                                 message="所选学生刚被编入另一个编班方案,请刷新后重试")) from exc


def unplace(actor, plan: PlacementPlan, students: list[Student]) -> PlacementPlan:
    """Take students back out of a draft plan; their seats are freed."""
    with transaction.atomic():
        plan = _editable(actor, plan, "调整")
        n = plan.items.filter(open=True, student__in=students).update(open=False, withdrawn_at=timezone.now())
        audit.record(actor, "placement.unplace", obj=plan, details={"students": [s.pk for s in students], "count": n})
    return plan


def auto_place(actor, plan: PlacementPlan, classes: list[SchoolClass] | None = None) -> PlacementPlan:
    """Balanced placement (均衡编班) of the grade's unplaced students over the chosen classes of the plan."""
    with transaction.atomic():
        plan = _editable(actor, plan, "编班")
        classes = _chosen_classes(plan, classes)
        _lock_classes([c.pk for c in classes])
        rows = list(selectors.unplaced_students(plan.school, plan.grade).values(*selectors.STUDENT_COLUMNS))
        if not rows:
            raise RuleViolation(Violation(code="nothing_to_place", field="students",
                                          message=f"本校{plan.grade_label}没有待编班的学生"))
        rooms = _rooms(plan, classes)
        seats = sum(max(r.capacity, 0) for r in rooms)
        if seats < len(rows):
            hard = classes[0].caps[1]
            raise RuleViolation(Violation(
                code="class_over_hard_cap", field="classes", article="第十三条",
                message=f"所选{len(classes)}个班在班额上限{hard}人(第十三条)内只能再编入{seats}人,"
                        f"还有{len(rows) - seats}名学生无法编入,请增加班级"))
        pupils = [balance.Pupil(r["id"], r["gender"], selectors.traits_of(r), r["birth_date"], r["name_pinyin"])
                  for r in rows]
        placement = balance.deal(pupils, rooms)
        _reopen_or_create(plan, placement)
        plan.mode = PlacementPlan.Mode.AUTO
        plan.save(update_fields=["mode"])
        audit.record(actor, "placement.auto", obj=plan,
                     details={"classes": [c.pk for c in classes], "students": len(placement)})
    return plan


def _reopen_or_create(plan: PlacementPlan, placement: dict[int, int]) -> None:
    """Write {student id: class id}; a student taken out of this draft earlier gets his row back."""
    earlier = set(plan.items.filter(student_id__in=list(placement)).values_list("student_id", flat=True))
    by_class: dict[int, list[int]] = {}
    for pk in earlier:
        by_class.setdefault(placement[pk], []).append(pk)
    for class_id, pks in by_class.items():
        plan.items.filter(student_id__in=pks).update(school_class_id=class_id, open=True, withdrawn_at=None)
    PlacementItem.objects.bulk_create([PlacementItem(plan=plan, student_id=pk, school_class_id=class_id)
                                       for pk, class_id in placement.items() if pk not in earlier])


def _chosen_classes(plan: PlacementPlan, classes) -> list[SchoolClass]:
    available = selectors.plan_classes(plan)
    if not classes:
        chosen = available
    else:
        for c in classes:
            _class_in_plan(plan, c)
        chosen = [c for c in available if c.pk in {c.pk for c in classes}]
    if not chosen:
        raise RuleViolation(Violation(code="no_classes", field="classes",
                                      message=f"本校{plan.entry_year}级{plan.grade_label}还没有班级,请先建立班级"))
    return chosen


def _rooms(plan: PlacementPlan, classes: list[SchoolClass]) -> list[balance.Room]:
    """Each chosen class as the balancer sees it: who already sits there, and the seats left under the hard cap."""
    loads = selectors.class_loads([c.pk for c in classes], plan)
    members = selectors.class_members(plan, [c.pk for c in classes])
    rooms = []
    for c in classes:
        counts = Counter()
        for row in members.get(c.pk, []):
            counts[f"gender:{row['gender']}"] += 1
            counts.update(selectors.traits_of(row))
        load = loads[c.pk]
        rooms.append(balance.Room(c.pk, capacity=c.caps[1] - load.counted, size=load.counted, counts=counts))
    return rooms


def submit(actor, plan: PlacementPlan, *, reason: str = "") -> PlacementPlan:
    """Send the draft to the school's competent authority (第十三条). Above a normal cap needs the reason."""
    with transaction.atomic():
        plan = _editable(actor, plan, "报送")
        plan.reason = ((reason or "").strip() or plan.reason)[:500]
        if not selectors.open_items(plan).exists():
            raise RuleViolation(Violation(code="plan_empty", field="items", message="方案中还没有编入任何学生"))
        items = list(selectors.open_items(plan).select_related("student"))
        problems = _placeable_problems(plan, [i.student for i in items]) + _all_caps(plan)
        if problems:
            raise RuleViolation(problems)
        plan.status, plan.submitted_by, plan.submitted_at = Status.SUBMITTED, actor, timezone.now()
        plan.authority = plan.school.authority_for(plan.grade)
        plan.save(update_fields=["status", "reason", "submitted_by", "submitted_at", "authority"])
        audit.record(actor, "placement.submit", obj=plan, reason=plan.reason,
                     details={"students": len(items), "authority": plan.authority_id})
    return plan


def _decidable(actor, plan: PlacementPlan) -> PlacementPlan:
    plan = PlacementPlan.objects.select_for_update(of=("self",)).select_related("school", "authority").get(pk=plan.pk)
    if not PlanPolicy.user_can(actor, "view", plan):
        raise NotFound("未找到该编班方案,或其不在您的管辖范围内",
                       actor=actor, action="placement.decide", object_type="placementplan", object_id=plan.pk)
    if not PlanPolicy.user_can(actor, "decide", plan):
        authority = plan.school.authority_for(plan.grade)
        raise Forbidden(Violation(code="not_the_authority", article="第十三条",
                                  message=f"该编班方案须由学校的学籍主管部门({authority.name})审核(第三条、第十三条)"))
    if plan.status != Status.SUBMITTED:
        raise Conflict(Violation(code="plan_not_submitted", field="status",
                                 message=f"该编班方案{plan.get_status_display()},不在待审核状态"))
    return plan


def approve(actor, plan: PlacementPlan, *, comment: str = "") -> PlacementPlan:
    """The authority approves: the placements take effect, set-based, with one history event per student."""
    with transaction.atomic():
        plan = _decidable(actor, plan)
        items = list(selectors.open_items(plan).select_related("student", "student__school_class", "school_class"))
        problems = _placeable_problems(plan, [i.student for i in items]) + _all_caps(plan)
        if problems:
            raise RuleViolation(problems, summary="编班方案不符合规定,请驳回并说明理由")
        _apply(actor, plan, items)
        selectors.open_items(plan).update(open=False)
        plan.status, plan.decided_by, plan.decided_at = Status.APPROVED, actor, timezone.now()
        plan.comment = (comment or "").strip()[:500]
        plan.save(update_fields=["status", "decided_by", "decided_at", "comment"])
        audit.record(actor, "placement.approve", obj=plan, reason=plan.comment,
                     details={"students": len(items), "classes": sorted({i.school_class_id for i in items})})
    return plan


def _apply(actor, plan: PlacementPlan, items: list[PlacementItem]) -> None:
    now = timezone.now()
    by_class: dict[int, list[int]] = {}
    for item in items:
        by_class.setdefault(item.school_class_id, []).append(item.student_id)
    for class_id, student_ids in by_class.items():
        Student.objects.filter(pk__in=student_ids).update(school_class_id=class_id, updated_at=now)
        Enrolment.objects.filter(student_id__in=student_ids, school=plan.school, ended_on__isnull=True).update(
            school_class_id=class_id)
    note = f"编班方案#{plan.pk}经{plan.authority.name if plan.authority else '学籍主管部门'}审核通过(第十三条)"
    StatusEvent.objects.bulk_create([
        StatusEvent(student=i.student, kind="编班", from_status=i.student.status, to_status=i.student.status,
                    school=plan.school, actor=actor, note=f"编入{i.school_class.name};{note}"[:500],
                    changes={"school_class": [_class_name(i.student.school_class), i.school_class.name]})
        for i in items
    ])


def _class_name(school_class: SchoolClass | None) -> str | None:
    return school_class.name if school_class else None


def reject(actor, plan: PlacementPlan, *, comment: str) -> PlacementPlan:
    """The authority sends the plan back with its reason; the seats it held are freed."""
    comment = (comment or "").strip()
    if len(comment) < 2:
        raise RuleViolation(Violation(code="comment_required", field="comment",
                                      message="驳回编班方案须填写理由,说明学校应如何调整"))
    with transaction.atomic():
        plan = _decidable(actor, plan)
        selectors.open_items(plan).update(open=False)
        plan.status, plan.decided_by, plan.decided_at, plan.comment = (
            Status.REJECTED, actor, timezone.now(), comment[:500])
        plan.save(update_fields=["status", "decided_by", "decided_at", "comment"])
        audit.record(actor, "placement.reject", obj=plan, reason=plan.comment)
    return plan


def cancel(actor, plan: PlacementPlan) -> PlacementPlan:
    """The registrar withdraws a draft or a plan still awaiting approval; it stays visible as 已撤回."""
    with transaction.atomic():
        plan = PlacementPlan.objects.select_for_update(of=("self",)).select_related("school").get(pk=plan.pk)
        if not PlanPolicy.user_can(actor, "view", plan):
            raise NotFound("未找到该编班方案,或其不在您的管辖范围内",
                           actor=actor, action="placement.cancel", object_type="placementplan", object_id=plan.pk)
        if not PlanPolicy.user_can(actor, "edit", plan):
            raise Forbidden("只有本校学籍管理员可以撤回编班方案")
        if not plan.is_open:
            raise Conflict(Violation(code="plan_closed", field="status",
                                     message=f"该编班方案{plan.get_status_display()},不能撤回"))
        selectors.open_items(plan).update(open=False)
        plan.status = Status.CANCELLED
        plan.save(update_fields=["status"])
        audit.record(actor, "placement.cancel", obj=plan)
    return plan


def place_student(actor, student: Student, school_class: SchoolClass, *, reason: str = "") -> PlacementPlan:
    """A student arriving after the classes were formed: a plan of one, submitted to the authority at once.

    The seat is taken now (the hard cap refuses at once, 第十三条); the student moves when it is approved."""
    if not StudentPolicy.user_can(actor, "view", student) or not SchoolPolicy.user_can(actor, "view",
                                                                                        school_class.school):
        raise NotFound("未找到该学生或班级,或其不在您的管辖范围内",
                       actor=actor, action="placement.student", object_type="student", object_id=student.pk)
    if school_class.school_id != student.school_id:
        raise RuleViolation(Violation(code="class_of_other_school", field="school_class",
                                      message="只能编入学生所在学校的班级"))
    if school_class.grade != student.grade:
        raise RuleViolation(Violation(code="class_grade_mismatch", field="school_class",
                                      message=f"班级“{school_class}”与该生年级不符,请选择同年级的班级"))
    with transaction.atomic():
        plan = create_plan(actor, school_class.school, grade=school_class.grade,
                           entry_year=school_class.entry_year, reason=reason)
        place(actor, plan, [student], school_class)
        return submit(actor, plan, reason=reason)
