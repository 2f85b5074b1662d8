"""Jurisdiction over accounts: an officer sees the accounts of his subtree."""

from django.db.models import Q

from xueji.audit import services as audit
from xueji.core.errors import Forbidden, NotFound
from xueji.core.jurisdiction import NOTHING, covers_division, division_scope, school_scope
from xueji.orgs.models import Division, School

from .models import Role, User


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


def org_below_actor(actor: User, division: Division | None, school: School | None) -> bool:
    """Accounts are made from the level above (no self sign-up): only for nodes strictly inside the actor's
    subtree; an auditor may also be placed at the actor's own node."""
    if actor.is_superuser:
        return True
    if actor.role not in ("county", "city", "province"):
        return False
    if school is not None:
        node = school.tree_parent
        return covers_division(actor, node)
    return division is not None and covers_division(actor, division) and division.code != actor.division_id


def is_in_charge(actor, account) -> bool:
    """account_in_charge's answer as a yes/no for a page deciding which buttons to show (no audit row)."""
    if not AccountPolicy.visible_to(actor).filter(pk=account.pk).exists():
        return False
    own_node_auditor = account.role == Role.AUDITOR and account.division_id == actor.division_id
    return own_node_auditor or org_below_actor(actor, account.division, account.school)


def account_in_charge(actor: User, username: str, action: str, refusal: str) -> User:
    """The account `username` if the actor is above its unit (or it is an auditor at the actor's own node).

    Outside the actor's subtree or absent: 404 (audited). Visible but at his own level or above: 403 (audited)."""
    account = AccountPolicy.visible_to(actor).select_related("school", "division").filter(username=username).first()
    if account is None:
        raise NotFound("未找到该账号,或不在您的管辖范围内",
                       actor=actor, action=action, object_type="user", object_id=username)
    own_node_auditor = account.role == Role.AUDITOR and account.division_id == actor.division_id
    if not (own_node_auditor or org_below_actor(actor, account.division, account.school)):
        audit.record_refusal(actor, action, object_type="user", object_id=username)
        raise Forbidden(refusal)
    return account
