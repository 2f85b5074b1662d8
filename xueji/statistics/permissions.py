"""Who may read which dashboard: an officer his division and everything below it, a school's registrar or leader
his own school. Guardians and auditors read no statistics (the auditor's work is the log, not the figures)."""

from xueji.core.jurisdiction import covers_division
from xueji.orgs.models import Division, School
from xueji.orgs.permissions import SchoolPolicy

OFFICERS = ("county", "city", "province")
SCHOOL_ROLES = ("registrar", "leader")


class StatisticsPolicy:
    @staticmethod
    def may_use(user) -> bool:
        return getattr(user, "is_authenticated", False) and user.role in (*OFFICERS, *SCHOOL_ROLES)

    @staticmethod
    def user_can(user, action: str, node: Division | School) -> bool:
        if action != "view" or not StatisticsPolicy.may_use(user):
            return False
        if isinstance(node, School):
            return SchoolPolicy.user_can(user, "view", node)
        return user.role in OFFICERS and covers_division(user, node)

    @staticmethod
    def home_code(user) -> str | None:
        """Where the user's dashboard starts: his division, or his school."""
        if not StatisticsPolicy.may_use(user):
            return None
        return user.division_id if user.role in OFFICERS else user.school_id
