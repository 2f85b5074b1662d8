"""Who may read and write a student's graduation conditions (第三十五条).

The student's own school (registrar or leader) records them; the school's authority for the high-school stage
(the city, 第三条 and 第三十六条) and the province read them. Everyone else, a county officer included (the
county is no authority of a high-school stage), is told the student does not exist.
"""

from xueji.core.jurisdiction import school_scope
from xueji.students.permissions import StudentPolicy

READERS = ("registrar", "leader", "city", "province")
WRITERS = ("registrar", "leader")


class ConditionsPolicy:
    @staticmethod
    def visible_to(user):
        students = StudentPolicy.visible_to(user)
        return students if getattr(user, "role", None) in READERS else students.none()

    @staticmethod
    def user_can(user, action: str, student) -> bool:
        if getattr(user, "role", None) not in READERS or not StudentPolicy.user_can(user, "view", student):
            return False
        if action == "view":
            return True
        if action == "edit":
            return user.role in WRITERS and student.school_id == user.school_id
        return False

    @staticmethod
    def school_can(user, action: str, school) -> bool:
        """The class list and the import of one school."""
        if getattr(user, "role", None) not in READERS:
            return False
        if not type(school).objects.filter(school_scope(user), pk=school.pk).exists():
            return False
        if action == "view":
            return True
        return action == "edit" and user.role in WRITERS and school.pk == user.school_id
