"""Who may read the audit log (第四十四条): auditors and the province, each over the events of his subtree."""

from django.db.models import Q

from xueji.core.jurisdiction import division_scope
from xueji.orgs.models import Division, School

from .models import AuditEvent

READER_ROLES = ("auditor", "province")


class AuditPolicy:
    @staticmethod
    def can_read(user) -> bool:
        return getattr(user, "is_authenticated", False) and user.is_active and user.role in READER_ROLES

    @staticmethod
    def visible_to(user):
        if not AuditPolicy.can_read(user) or user.division is None:
            return AuditEvent.objects.none()
        if user.division.level == Division.Level.PROVINCE:
            return AuditEvent.objects.all()
        # A lower auditor reads what the accounts of his subtree did: events carry the actor's org code.
        divisions = Division.objects.filter(division_scope(user)).values("code")
        schools = School.objects.filter(
            Q(county__in=divisions, city_run=False) | Q(city__in=divisions, city_run=True)
        ).values("code")
        return AuditEvent.objects.filter(Q(org_code__in=divisions) | Q(org_code__in=schools))
