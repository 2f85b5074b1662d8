"""Approval chains shared by several change types (design.md, "Approval chains of Shanxi")."""

from xueji.policy.province import get_policy

from .engine import StepSpec


def step_days() -> int:
    return get_policy().step_working_days


def authority_step(school, grade: int, *, label: str = "主管部门审核", working_days: int | None = None) -> StepSpec:
    """The school's 学籍主管部门 for this grade: county for compulsory grades, city for high school (第三条)."""
    authority = school.authority_for(grade)
    return StepSpec(label, "city" if authority.level == "city" else "county", authority,
                    working_days or step_days())


def leader_then_authority(application, *, working_days: int | None = None) -> list[StepSpec]:
    school, grade = application.school, application.student.grade
    return [
        StepSpec("学校审核", "leader", school, working_days or step_days()),
        authority_step(school, grade, working_days=working_days),
    ]
