"""Jurisdiction over placement plans: the school's readers see them, its registrar drafts them, and only the
school's competent authority (第三条: county for compulsory grades, city for high school) decides them."""

from xueji.core.jurisdiction import school_scope

from .models import PlacementPlan


def is_authority(user, school, grade: int) -> bool:
    """Whether the user is an officer of the bureau that approves this school's classes of `grade` (第十三条)."""
    if user.role not in ("county", "city") or not user.division_id:
        return False
    return school.authority_for(grade).code == user.division_id


class PlanPolicy:
    @staticmethod
    def visible_to(user):
        return PlacementPlan.objects.filter(school_scope(user, prefix="school__"))

    @staticmethod
    def user_can(user, action: str, plan: PlacementPlan) -> bool:
        if not PlanPolicy.visible_to(user).filter(pk=plan.pk).exists():
            return False
        if action == "view":
            return True
        if action == "edit":
            return PlanPolicy.can_create_at(user, plan.school)
        if action == "decide":
            return is_authority(user, plan.school, plan.grade)
        return False

    @staticmethod
    def can_create_at(user, school) -> bool:
        # Classes are formed by the school (第十三条 "由学校对新生进行分班"); bureaus approve, they do not draft.
        return user.role == "registrar" and user.school_id == school.pk
