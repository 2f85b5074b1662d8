"""Jurisdiction over divisions, schools and classes."""

from xueji.core.jurisdiction import covers_division, division_scope, in_division_scope, school_scope

from .models import Division, School, SchoolClass

OFFICER_ROLES = ("county", "city", "province")


class DivisionPolicy:
    @staticmethod
    def visible_to(user):
        return Division.objects.filter(division_scope(user))

    @staticmethod
    def user_can(user, action: str, division: Division) -> bool:
        if action == "view":
            return DivisionPolicy.visible_to(user).filter(pk=division.pk).exists()
        return False

    @staticmethod
    def shows(user, division: Division) -> bool:
        """visible_to(user) for one division already loaded with its parents: no query (the breadcrumbs)."""
        return in_division_scope(user, division)


class SchoolPolicy:
    @staticmethod
    def visible_to(user):
        return School.objects.filter(school_scope(user))

    @staticmethod
    def visible_codes(user) -> list[str]:
        """The codes of visible_to(user), read first (a county has tens of schools, a city hundreds), so a query
        over a big table can name them and probe an index that starts with the school.

        Kept on the user object for as long as it lives (one request: a page asks it for its list and again for
        the navigation's count), under the attributes that decide the scope, so a changed account asks again."""
        key = (user.is_active, user.role, user.division_id, user.school_id) if user.is_authenticated else None
        kept = user.__dict__.get("_visible_school_codes")
        if key is None or kept is None or kept[0] != key:
            kept = (key, list(SchoolPolicy.visible_to(user).order_by().values_list("code", flat=True)))
            if key is not None:
                user.__dict__["_visible_school_codes"] = kept
        return list(kept[1])

    @staticmethod
    def user_can(user, action: str, school: School) -> bool:
        if not SchoolPolicy.visible_to(user).filter(pk=school.pk).exists():
            return False
        if action == "view":
            return True
        if action == "manage_classes":
            return user.role == "registrar" or user.role in OFFICER_ROLES
        if action == "manage":
            return user.role in OFFICER_ROLES
        return False

    @staticmethod
    def can_create_in(user, division: Division) -> bool:
        """Schools are entered by the bureaus: a county in its county, a city or the province anywhere below."""
        return user.role in OFFICER_ROLES and covers_division(user, division)


class ClassPolicy:
    @staticmethod
    def visible_to(user):
        return SchoolClass.objects.filter(school_scope(user, prefix="school__"))

    @staticmethod
    def user_can(user, action: str, school_class: SchoolClass) -> bool:
        if action == "view":
            return SchoolPolicy.user_can(user, "view", school_class.school)
        if action == "manage":
            return SchoolPolicy.user_can(user, "manage_classes", school_class.school)
        return False
