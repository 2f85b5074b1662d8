"""Jurisdiction over import batches and suspected duplicates.

A batch belongs to its school: the readers of the school see it, only the school's registrar imports and commits
(第三条: the school enters its own records). A suspected duplicate belongs to the authority that decides it: the
county of a compulsory-stage school, the city of a high school; the tier above sees it too.
"""

from django.db.models import Q

from xueji.core.jurisdiction import NOTHING, school_scope
from xueji.students.permissions import StudentPolicy

from .models import DuplicateCase, ImportBatch

DECIDING_ROLES = ("county", "city")


class ImportBatchPolicy:
    @staticmethod
    def visible_to(user):
        return ImportBatch.objects.filter(school_scope(user, prefix="school__"))

    @staticmethod
    def user_can(user, action: str, batch: ImportBatch) -> bool:
        if not ImportBatchPolicy.visible_to(user).filter(pk=batch.pk).exists():
            return False
        if action == "view":
            return True
        if action == "commit":
            return user.role == "registrar" and user.school_id == batch.school_id
        return False

    @staticmethod
    def can_import_at(user, school) -> bool:
        return StudentPolicy.can_create_at(user, school)


class DuplicateCasePolicy:
    @staticmethod
    def visible_to(user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return DuplicateCase.objects.filter(NOTHING)
        if user.role == "province":
            return DuplicateCase.objects.all()
        if user.role == "city":
            return DuplicateCase.objects.filter(Q(authority_id=user.division_id)
                                                | Q(authority__parent_id=user.division_id))
        if user.role == "county":
            return DuplicateCase.objects.filter(authority_id=user.division_id)
        return DuplicateCase.objects.filter(NOTHING)

    @staticmethod
    def user_can(user, action: str, case: DuplicateCase) -> bool:
        if not DuplicateCasePolicy.visible_to(user).filter(pk=case.pk).exists():
            return False
        if action == "view":
            return True
        if action == "decide":
            return user.role in DECIDING_ROLES and case.authority_id == user.division_id
        return False

    @staticmethod
    def may_use(user) -> bool:
        """Whether the role deals with suspected duplicates at all (others get 403, not an empty list)."""
        return getattr(user, "role", "") in (*DECIDING_ROLES, "province")
