"""Jurisdiction over applications: the starting school's readers, and every org that holds a step of it."""


from xueji.core.jurisdiction import NOTHING, division_scope, school_scope
from xueji.orgs.models import Division, School

from .models import Application, Step


def ids_in_scope(user):
    """The ids of the applications a (non-province) user sees, as one subquery built from his jurisdiction first:
    those started at a school of his subtree, those with a step at an org of his subtree (e.g. the sending side
    of a transfer) and those he filed (a scoped application may name no school of his). A UNION of index probes
    (Application.school, Step.org_code, Application.created_by): no join of every application to its steps
    and no DISTINCT over the result."""
    if user.role in ("registrar", "leader"):
        schools, orgs = [user.school_id], [[user.school_id]]
    else:
        schools = School.objects.filter(school_scope(user)).values("code").order_by()
        orgs = [Division.objects.filter(division_scope(user)).values("code").order_by(), schools]
    parts = [Step.objects.filter(org_code__in=codes).values("application_id").order_by() for codes in orgs]
    parts.append(Application.objects.filter(created_by=user).values("pk").order_by())
    return Application.objects.filter(school__in=schools).values("pk").order_by().union(*parts)


class ApplicationPolicy:
    @staticmethod
    def visible_to(user):
        if not getattr(user, "is_authenticated", False) or user.role == "auditor":
            return Application.objects.filter(NOTHING)
        if user.role == "province":
            return Application.objects.all()
        return Application.objects.filter(pk__in=ids_in_scope(user))

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
    """Steps waiting for this user, soonest due first (then oldest application: ids grow with time), a stable
    order to page through."""
    return (
        Step.objects.filter(status=Step.Status.PENDING, role=user.role, org_code=user.school_id or user.division_id)
        .select_related("application", "application__student", "application__school")
        .order_by("due_date", "application_id", "id")
    )
