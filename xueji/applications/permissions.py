"""Jurisdiction over applications: the starting school's readers, and every org that holds a step of it."""

from django.db.models import Q

from xueji.core.jurisdiction import NOTHING, division_scope, school_scope
from xueji.orgs.models import Division, School

from .models import Application, Step


def _holds_step(user) -> Q:
    """Applications with a step at an org inside the user's subtree (e.g. the sending side of a transfer)."""
    if user.role in ("registrar", "leader"):
        return Q(steps__org_code=user.school_id)
    divisions = Division.objects.filter(division_scope(user)).values("code")
    schools = School.objects.filter(school_scope(user)).values("code")
    return Q(steps__org_code__in=divisions) | Q(steps__org_code__in=schools)


class ApplicationPolicy:
    @staticmethod
    def visible_to(user):
        if not getattr(user, "is_authenticated", False) or user.role == "auditor":
            return Application.objects.filter(NOTHING)
        in_schools = Q(school__in=School.objects.filter(school_scope(user)))
        holds_step = _holds_step(user)
        if user.role == "province":
            return Application.objects.all()
        # The filer always sees what he filed (a scoped application may name no school of his).
        return Application.objects.filter(in_schools | holds_step | Q(created_by=user)).distinct()

    @staticmethod
    def user_can(user, action: str, application: Application) -> bool:
        if not ApplicationPolicy.visible_to(user).filter(pk=application.pk).exists():
            return False
        if action == "view":
            return True
        if action == "cancel":
            return application.created_by_id == user.pk
        return False


def may_decide(user, step: Step) -> bool:
    """A step is decided by an account of exactly its org and role."""
    return step.role == user.role and step.org_code == (user.school_id or user.division_id)


def inbox(user):
    """Steps waiting for this user, soonest due first."""
    return (
        Step.objects.filter(status=Step.Status.PENDING, role=user.role, org_code=user.school_id or user.division_id)
        .select_related("application", "application__student", "application__school")
        .order_by("due_date", "application__created_at")
    )
