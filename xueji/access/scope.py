"""Reading an access application's scope from its payload, and finding the scope's competent authority
(第三条: the county for a compulsory-stage school, the city for a high school, a city-run school or a city-wide
scope, the province for a province-wide one)."""

from dataclasses import dataclass, field

from xueji.core.inputs import parse_int
from xueji.orgs.models import Division, School
from xueji.policy.access import A44
from xueji.policy.fields import GRADE_LABELS
from xueji.policy.violations import Violation
from xueji.students.models import Student

MAX_STUDENTS = 500  # a longer list is a school or a county scope


@dataclass
class Scope:
    kind: str
    school: School | None = None
    division: Division | None = None
    grade: int | None = None
    students: list = field(default_factory=list)

    @property
    def label(self) -> str:
        grade = f"·{GRADE_LABELS.get(self.grade, self.grade)}" if self.grade else ""
        if self.kind == "school":
            return f"{self.school.name}{grade}"
        if self.kind == "division":
            return f"{self.division.name}全部学校{grade}"
        names = "、".join(s.name for s in self.students[:3])
        more = f"等{len(self.students)}名学生" if len(self.students) > 3 else ""
        return f"{names}{more}"

    @property
    def authority(self) -> Division:
        if self.kind == "division":
            return self.division
        if self.kind == "school":
            return self.school.authority_for(self.grade or max(self.school.grades))
        found = {s.school.authority_for(s.grade) for s in self.students}
        return found.pop() if len(found) == 1 else _common_ancestor(found)


def _chain(division: Division) -> list[Division]:
    chain = []
    while division is not None:
        chain.insert(0, division)
        division = division.parent
    return chain


def _common_ancestor(divisions) -> Division:
    chains = [_chain(d) for d in divisions]
    common = chains[0][0]
    for level in zip(*chains, strict=False):
        if len({d.pk for d in level}) != 1:
            break
        common = level[0]
    return common


def _problem(code: str, field_name: str, message: str) -> Violation:
    return Violation(code, message, A44, field_name)


def _grade(payload) -> tuple[int | None, list[Violation]]:
    raw = payload.get("grade")
    if raw in (None, ""):
        return None, []
    grade = parse_int(raw, 1, 12)
    if grade is None:
        return None, [_problem("access_grade", "grade", "年级 grade 须为1–12的整数(一年级=1 … 高三=12),或留空表示全部年级")]
    return grade, []


def _students(payload) -> tuple[list, list[Violation]]:
    keys = payload.get("students")
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str | int) for k in keys):
        return [], [_problem("access_students", "students", "请列出学生的学籍号 students(每行一个)")]
    keys = list(dict.fromkeys(str(k).strip() for k in keys if str(k).strip()))
    if len(keys) > MAX_STUDENTS:
        return [], [_problem("access_too_many", "students",
                             f"一次最多列出{MAX_STUDENTS}名学生;范围更大时请按学校或行政区划申请")]
    found = list(Student.objects.filter(student_number__in=keys).select_related("school", "school__county",
                                                                              "school__city"))
    missing = sorted(set(keys) - {s.student_number for s in found})
    if missing:
        return [], [_problem("access_unknown_students", "students", f"未找到以下学籍号:{'、'.join(missing[:10])}")]
    return found, []


def read_scope(payload: dict) -> tuple[Scope | None, list[Violation]]:
    kind = payload.get("scope_kind")
    grade, problems = _grade(payload)
    if kind == "students":
        students, more = _students(payload)
        scope = Scope(kind, students=students) if students else None
        return scope, problems + more
    if kind == "school":
        school = School.objects.select_related("county", "city").filter(pk=str(payload.get("school") or "")).first()
        if school is None:
            return None, problems + [_problem("access_unknown_school", "school", "请填写正确的10位学校标识码 school")]
        return Scope(kind, school=school, grade=grade), problems
    if kind == "division":
        division = Division.objects.filter(pk=str(payload.get("division") or "")).first()
        if division is None:
            return None, problems + [_problem("access_unknown_division", "division",
                                              "请填写正确的6位行政区划代码 division")]
        return Scope(kind, division=division, grade=grade), problems
    return None, [_problem("access_scope_kind", "scope_kind",
                           "请选择范围 scope_kind:students(指定学生)、school(一所学校)或 division(一个行政区划)")]


def scope_of_grant(grant) -> Scope:
    return Scope(grant.scope_kind, school=grant.school, division=grant.division, grade=grant.grade,
                 students=list(grant.students.all()))
