"""Reads for class placement: plans through the jurisdiction policy, class loads against 第十三条, and the
per-class balance table (size, boys and girls, 随迁子女, 留守儿童, 随班就读, 少数民族, birth months)."""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q

from xueji.applications.engine import TRANSITIONS
from xueji.core.errors import NotFound
from xueji.core.inputs import parse_id
from xueji.orgs.models import SchoolClass
from xueji.policy import province
from xueji.students import seats
from xueji.students.models import Student
from xueji.visiting.models import VisitingStay

from .models import PlacementItem, PlacementPlan
from .permissions import PlanPolicy

# Students who occupy a seat in their class (the school page counts the same); the others have left.
SEATED = seats.SEATED
# Whom a placement may move: the transition table's entry for class placement (待注册, 在籍).
PLACEABLE = tuple(TRANSITIONS["class_placement"])
TRAITS = {
    "migrant": "随迁子女",
    "left_behind": "留守儿童",
    "inclusive": "随班就读",
    "minority": "少数民族",
}
STUDENT_COLUMNS = ("id", "name", "name_pinyin", "gender", "birth_date", "migrant_child", "left_behind",
                   "inclusive_study", "ethnicity", "school_class_id", "student_number", "status")


def find_plan(user, pk, *, purpose: str = "view") -> PlacementPlan:
    """The plan if the user may see it; otherwise NotFound, and the attempt is logged."""
    plan = None
    if parse_id(pk) is not None:
        plan = PlanPolicy.visible_to(user).select_related("school", "school__county", "school__city",
                                                           "authority").filter(pk=parse_id(pk)).first()
    if plan is None:
        raise NotFound("未找到该编班方案,或其不在您的管辖范围内",
                       actor=user, action=f"placement.{purpose}", object_type="placementplan", object_id=str(pk))
    return plan


def plans_for(user, *, school: str | None = None, status: str | None = None, awaiting_me: bool = False):
    qs = PlanPolicy.visible_to(user).select_related("school", "authority", "created_by")
    if school:
        qs = qs.filter(school_id=school)
    if status:
        qs = qs.filter(status=status)
    if awaiting_me:
        # The authority is resolved at submission (第三条); approving checks it again against the school.
        if user.role not in ("county", "city"):
            return qs.none()
        qs = qs.filter(status=PlacementPlan.Status.SUBMITTED, authority_id=user.division_id)
    return qs.order_by("-submitted_at", "-created_at", "-id") if awaiting_me else qs


def class_sort_key(school_class: SchoolClass):
    # "2班" before "10班": registrars number their classes.
    match = re.match(r"^(\d+)", school_class.name)
    return (int(match.group(1)) if match else 10**6, school_class.name, school_class.pk)


def plan_classes(plan: PlacementPlan) -> list[SchoolClass]:
    """The classes a plan may fill: the school's classes of its grade and entry year."""
    classes = SchoolClass.objects.filter(school_id=plan.school_id, grade=plan.grade, entry_year=plan.entry_year)
    return sorted(classes, key=class_sort_key)


def open_items(plan: PlacementPlan):
    return plan.items.filter(open=True)


def unplaced_students(school, grade: int):
    """Students of the grade with no class and not waiting in any plan: the ones placement still has to place."""
    waiting = PlacementItem.objects.filter(open=True).values("student_id")
    return (Student.objects.filter(school=school, grade=grade, status__in=PLACEABLE, school_class__isnull=True)
            .exclude(pk__in=waiting).order_by("name_pinyin", "id"))


@dataclass
class Load:
    """A class's size for 第十三条, seen from one plan."""

    seated: int = 0  # students sitting in it now
    leaving: int = 0  # of those, moved elsewhere by this plan
    joining: int = 0  # placed into it by this plan
    reserved: int = 0  # placed into it by other plans not yet decided: their seats are taken too

    @property
    def after(self) -> int:
        """The size once this plan is approved."""
        return self.seated - self.leaving + self.joining

    @property
    def counted(self) -> int:
        """What the caps are checked against: every seat already promised counts."""
        return self.after + self.reserved


def class_loads(class_ids, plan: PlacementPlan | None = None) -> dict[int, Load]:
    """Loads of the given classes in three grouped queries. Callers that decide hold the classes' row locks."""
    ids = list(class_ids)
    loads = {pk: Load() for pk in ids}
    seated = (Student.objects.filter(school_class_id__in=ids, status__in=SEATED)
              .values_list("school_class_id").annotate(n=Count("id")).order_by())
    for class_id, n in seated:
        loads[class_id].seated = n
    # Visiting students (借读) sit in the host class while their record stays home: their seats count too
    # (第二十六条 refers to the caps of 第十三条).
    guests = (VisitingStay.objects.filter(host_class_id__in=ids, ended_on__isnull=True)
              .values_list("host_class_id").annotate(n=Count("id")).order_by())
    for class_id, n in guests:
        loads[class_id].seated += n
    incoming = (PlacementItem.objects.filter(open=True, school_class_id__in=ids)
                .filter(Q(student__school_class__isnull=True) | ~Q(student__school_class_id=F("school_class_id")))
                .values_list("school_class_id", "plan_id").annotate(n=Count("id")).order_by())
    for class_id, plan_id, n in incoming:
        if plan is not None and plan_id == plan.pk:
            loads[class_id].joining += n
        else:
            loads[class_id].reserved += n
    if plan is not None:
        leaving = (PlacementItem.objects.filter(plan=plan, open=True, student__school_class_id__in=ids,
                                                student__status__in=SEATED)
                   .exclude(school_class_id=F("student__school_class_id"))
                   .values_list("student__school_class_id").annotate(n=Count("id")).order_by())
        for class_id, n in leaving:
            loads[class_id].leaving = n
    return loads


def cap_violations(school_class: SchoolClass, load: Load, *, reason: str, hard_only: bool = False):
    """第十三条 for one class at its counted size; the class is named so a list of refusals reads clearly."""
    found = province.check_class_size(school_class.grade, load.counted, reason=reason)
    if hard_only:
        found = [v for v in found if v.code == "class_over_hard_cap"]
    return [v.__class__(v.code, f"{school_class}:{v.message}", v.article, "school_class", v.severity)
            for v in found]


def traits_of(row: dict) -> frozenset[str]:
    """The balancing traits of a student row (values of STUDENT_COLUMNS)."""
    found = set()
    if row.get("migrant_child"):
        found.add("migrant")
    if row.get("left_behind") in ("1", "2"):
        found.add("left_behind")
    if row.get("inclusive_study") not in (None, "", "0"):
        found.add("inclusive")
    if row.get("ethnicity") not in (None, "", "01"):
        found.add("minority")
    return frozenset(found)


def class_members(plan: PlacementPlan, class_ids: list[int]) -> dict[int, list[dict]]:
    """Who sits in each class once the plan takes effect (as it stands now, for an approved plan)."""
    seated = Student.objects.filter(school_class_id__in=class_ids, status__in=SEATED).values(*STUDENT_COLUMNS)
    members: dict[int, list[dict]] = defaultdict(list)
    moved = {}
    if plan.is_open or plan.status == PlacementPlan.Status.REJECTED:
        items = plan.items.filter(withdrawn_at__isnull=True)
        moved = dict(items.values_list("student_id", "school_class_id"))
    for row in seated:
        if row["id"] not in moved:
            members[row["school_class_id"]].append(row)
    if moved:
        for row in Student.objects.filter(pk__in=list(moved)).values(*STUDENT_COLUMNS):
            if moved[row["id"]] in class_ids:
                members[moved[row["id"]]].append(row)
    return members


def _average_birth(rows: list[dict]) -> str:
    dates = [r["birth_date"] for r in rows if r["birth_date"]]
    if not dates:
        return ""
    mean = date.fromordinal(round(sum(d.toordinal() for d in dates) / len(dates)))
    return f"{mean.year}年{mean.month}月"


def _stats(rows: list[dict]) -> dict:
    genders = Counter(r["gender"] for r in rows)
    traits = Counter(t for r in rows for t in traits_of(r))
    return {"size": len(rows), "boys": genders.get("1", 0), "girls": genders.get("2", 0),
            **{name: traits.get(name, 0) for name in TRAITS}, "average_birth": _average_birth(rows)}


def plan_table(plan: PlacementPlan) -> dict:
    """The balance table: one row per class of the plan's grade, with its caps and any 第十三条 refusal."""
    classes = plan_classes(plan)
    ids = [c.pk for c in classes]
    loads = class_loads(ids, plan if plan.is_open else None)
    members = class_members(plan, ids)
    rows = []
    for c in classes:
        normal, hard = c.caps
        load = loads[c.pk]
        stats = _stats(members.get(c.pk, []))
        level = "over" if load.counted > hard else "near" if load.counted > normal else "ok"
        problems = cap_violations(c, load, reason=plan.reason) if plan.is_open and load.joining else []
        rows.append({"cls": c, "normal": normal, "hard": hard, "load": load, "level": level,
                     "violations": problems, **stats})
    everyone = [r for c in classes for r in members.get(c.pk, [])]
    return {"rows": rows, "total": _stats(everyone), "problems": [v for r in rows for v in r["violations"]],
            "needs_reason": any(r["level"] == "near" and r["load"].joining for r in rows)}


def plan_items(plan: PlacementPlan):
    return (plan.items.filter(withdrawn_at__isnull=True)
            .select_related("student", "school_class", "from_class").order_by("school_class_id", "student__name_pinyin",
                                                                             "student_id"))
