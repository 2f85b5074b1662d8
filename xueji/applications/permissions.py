"""Jurisdiction over applications: the starting school's readers, and every org that holds a step of it."""


from django.db.models import Exists, OuterRef, Q

from xueji.core.jurisdiction import NOTHING, division_scope
from xueji.orgs.models import Division
from xueji.orgs.permissions import SchoolPolicy

from .models import Application, Step


def _scope(user, *, listed: bool) -> tuple:
    """(the schools of the user's subtree, the orgs a step of his may sit at). Listed: their codes read first (one
    small query each), so a query over all applications probes its indexes with a list instead of joining
    subqueries (a county's applications were read whole, 160,000 rows at 5 M students). Otherwise small
    subqueries, for a handful of rows: no extra round trip."""
    if user.role in ("registrar", "leader"):
        return [user.school_id], [user.school_id]
    divisions = Division.objects.filter(division_scope(user)).order_by().values_list("code", flat=True)
    if listed:
        schools = SchoolPolicy.visible_codes(user)
        return schools, list(divisions) + schools
    schools = SchoolPolicy.visible_to(user).order_by().values_list("code", flat=True)
    return schools, divisions.union(schools)


def ids_in_scope(user):
    """The ids of the applications a (non-province) user sees, as one subquery built from his jurisdiction first:
    those started at a school of his subtree, those with a step at an org of his subtree (e.g. the sending side
    of a transfer) and those he filed (a scoped application may name no school of his). A UNION of index probes
    (Application.school, Step.org_code, Application.created_by): no join of every application to its steps
    and no DISTINCT over the result."""
    schools, orgs = _scope(user, listed=True)
    return (Application.objects.filter(school__in=schools).values("pk").order_by()
            .union(Step.objects.filter(org_code__in=orgs).values("application_id").order_by(),
                   Application.objects.filter(created_by=user).values("pk").order_by()))


class ApplicationPolicy:
    @staticmethod
    def visible_to(user):
        if not getattr(user, "is_authenticated", False) or user.role == "auditor":
            return Application.objects.filter(NOTHING)
        if user.role == "province":
            return Application.objects.all()
        return Application.objects.filter(pk__in=ids_in_scope(user))

    @staticmethod
    def visible_among(user, applications):
        """The rows of `applications` the user may see: visible_to's rule asked row by row, for a few rows
        narrowed first (one student's), so his whole jurisdiction's applications are never gathered."""
        if not getattr(user, "is_authenticated", False) or user.role == "auditor":
            return applications.filter(NOTHING)
        if user.role == "province":
            return applications
        schools, orgs = _scope(user, listed=False)
        stepped = Step.objects.filter(application_id=OuterRef("pk"), org_code__in=orgs)
        return applications.filter(Q(school_id__in=schools) | Q(created_by=user) | Exists(stepped))

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
