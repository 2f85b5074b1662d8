"""The org-tree scope every jurisdiction policy starts from: which schools and divisions a user's node covers.

Each resource has its own policy module (orgs/permissions.py, students/permissions.py, …) with
`visible_to(user) -> QuerySet` and `user_can(user, action, obj) -> bool`; they all narrow these scopes, so the
rule "an account sees its node's subtree only" is written once.
"""

from django.db.models import Q

NOTHING = Q(pk__in=[])


def school_scope(user, prefix: str = "") -> Q:
    """A Q selecting the schools in the user's subtree; `prefix` points at a school from another model."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    role = user.role
    p = prefix
    if role == "guardian":
        # A guardian sees only his bound children, through xueji.guardians' own policy: no school at all here.
        return NOTHING
    if role == "province":
        return Q()
    if role == "city":
        return Q(**{f"{p}city_id": user.division_id})
    if role == "county":
        # A city-run (直管) school hangs under the city, not under the county it stands in (第三条).
        return Q(**{f"{p}county_id": user.division_id, f"{p}city_run": False})
    if role in ("registrar", "leader"):
        return Q(**{f"{p}code": user.school_id})
    return NOTHING


def division_scope(user) -> Q:
    """Divisions in the user's subtree (a school user's subtree holds no division)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.role == "guardian":
        return NOTHING
    if user.role == "province" or (user.role == "auditor" and user.division and user.division.level == "province"):
        return Q()
    if user.role in ("city", "auditor") and user.division and user.division.level == "city":
        return Q(code=user.division_id) | Q(parent_id=user.division_id)
    if user.role in ("county", "auditor") and user.division:
        return Q(code=user.division_id)
    return NOTHING


def in_division_scope(user, division) -> bool:
    """division_scope(user) asked of one division whose parents are loaded, without a query (the same rule:
    tests/orgs/test_division_scope.py holds the two to agreement for every role and level)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.role not in ("county", "city", "province", "auditor"):
        return False
    return covers_division(user, division)


def covers_division(user, division) -> bool:
    """Whether `division` lies in the user's subtree."""
    if user.division is None:
        return False
    node = division
    while node is not None:
        if node.code == user.division_id:
            return True
        node = node.parent
    return False
