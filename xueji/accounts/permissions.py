"""Jurisdiction over accounts: an officer sees the accounts of his subtree."""

from django.db.models import Q

from xueji.core.jurisdiction import NOTHING, division_scope, school_scope
from xueji.orgs.models import Division, School

from .models import User


class AccountPolicy:
    @staticmethod
    def visible_to(user):
        if getattr(user, "role", None) not in ("county", "city", "province"):
            return User.objects.filter(NOTHING)
        return User.objects.filter(
            Q(division__in=Division.objects.filter(division_scope(user)))
            | Q(school__in=School.objects.filter(school_scope(user)))
        )

    @staticmethod
    def user_can(user, action: str, account: User) -> bool:
        return AccountPolicy.visible_to(user).filter(pk=account.pk).exists()
