"""Jurisdiction over student records: a user reads the students of the schools in the subtree of his node."""

from xueji.core.jurisdiction import school_scope

from .models import Student


class StudentPolicy:
    @staticmethod
    def visible_to(user):
        if getattr(user, "role", "") == "guardian":
            # A guardian reads his bound children only, through xueji.guardians' GuardianPolicy, never here.
            return Student.objects.none()
        return Student.objects.filter(school_scope(user, prefix="school__"))

    @staticmethod
    def sees(user, student: Student) -> bool:
        """Whether the student is in the user's jurisdiction. Asked by every panel of the record page, so the
        answer is kept on the instance for this user and this school (a transfer changes the school)."""
        seen = student.__dict__.setdefault("_seen_by", {})
        key = (getattr(user, "pk", None), student.school_id)
        if key not in seen:
            seen[key] = StudentPolicy.visible_to(user).filter(pk=student.pk).exists()
        return seen[key]

    @staticmethod
    def seen(user, student: Student) -> None:
        """Note that `student` was read through visible_to(user), so sees() need not ask again."""
        student.__dict__.setdefault("_seen_by", {})[(getattr(user, "pk", None), student.school_id)] = True

    @staticmethod
    def user_can(user, action: str, student: Student) -> bool:
        if not StudentPolicy.sees(user, student):
            return False
        if action in ("view", "unmask"):
            return True
        if action in ("edit", "create"):
            # The school keeps its own records (第三条 学校具体实施); bureaus approve, they do not type.
            return user.role == "registrar" and student.school_id == user.school_id
        return False

    @staticmethod
    def can_create_at(user, school) -> bool:
        return user.role == "registrar" and user.school_id == school.pk
