"""Who sees grants and who reads the consultation register (第四十四条).

A grant is seen by its holder and by the authorities over the one that approved it. The register is read by
the auditors and the province, and by each authority for the schools of its subtree and the grants it gave;
schools do not read it (their own exports are registered, not reviewed, by them).
"""

from django.db.models import Q

from xueji.core.jurisdiction import NOTHING, division_scope
from xueji.orgs.models import Division, School

from .models import AccessGrant, ConsultationEntry

REGISTER_READERS = ("auditor", "province", "city", "county")
OFFICERS = ("county", "city", "province")


def _is_whole_province(user) -> bool:
    return user.role == "province" or (user.role == "auditor" and user.division is not None
                                       and user.division.level == Division.Level.PROVINCE)


def _subtree(user) -> tuple:
    divisions = Division.objects.filter(division_scope(user)).values("code")
    schools = School.objects.filter(Q(county__in=divisions, city_run=False) | Q(city__in=divisions, city_run=True))
    return divisions, schools.values("code")


class GrantPolicy:
    @staticmethod
    def visible_to(user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return AccessGrant.objects.none()
        if _is_whole_province(user):
            return AccessGrant.objects.all()
        mine = Q(grantee=user)
        if user.role in ("county", "city", "auditor"):
            divisions, _schools = _subtree(user)
            mine |= Q(granted_org__in=divisions)
        return AccessGrant.objects.filter(mine)


class RegisterPolicy:
    @staticmethod
    def can_read(user) -> bool:
        return getattr(user, "is_authenticated", False) and user.is_active and user.role in REGISTER_READERS

    @staticmethod
    def visible_to(user):
        if not RegisterPolicy.can_read(user):
            return ConsultationEntry.objects.filter(NOTHING)
        if _is_whole_province(user):
            return ConsultationEntry.objects.all()
        divisions, schools = _subtree(user)
        return ConsultationEntry.objects.filter(
            Q(school__in=schools) | Q(org_code__in=divisions) | Q(org_code__in=schools)
            | Q(grant__granted_org__in=divisions))
