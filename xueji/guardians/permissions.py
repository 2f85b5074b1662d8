"""Jurisdiction of the guardian capability.

A guardian's only window on the registry is GuardianPolicy: the children bound to his account by a code the school
issued. He belongs to no node of the org tree, so every other policy (StudentPolicy, SchoolPolicy, …) gives him
nothing (xueji.core.jurisdiction names the role). Reports of errors are the school's work: ReportPolicy.
"""

from xueji.core.jurisdiction import NOTHING, school_scope
from xueji.students.models import Student

from .models import ErrorReport

GUARDIAN = "guardian"


def is_guardian(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active and getattr(user, "role", "") == GUARDIAN


class GuardianPolicy:
    @staticmethod
    def children(user):
        """The students bound to this guardian account by a link not revoked."""
        if not is_guardian(user):
            return Student.objects.filter(NOTHING)
        return Student.objects.filter(guardian_links__user=user, guardian_links__revoked_on__isnull=True).distinct()

    @staticmethod
    def user_can(user, action: str, student: Student) -> bool:
        if action not in ("view", "confirm", "report"):
            return False
        return GuardianPolicy.children(user).filter(pk=student.pk).exists()


class ReportPolicy:
    @staticmethod
    def visible_to(user):
        """The school sees its guardians' reports; the authorities above read them too."""
        return ErrorReport.objects.filter(school_scope(user, prefix="school__"))

    @staticmethod
    def user_can(user, action: str, report: ErrorReport) -> bool:
        if not ReportPolicy.visible_to(user).filter(pk=report.pk).exists():
            return False
        if action == "view":
            return True
        if action == "handle":
            # The school keeps its own records (第三条): its registrar corrects them.
            return user.role == "registrar" and user.school_id == report.school_id
        return False
