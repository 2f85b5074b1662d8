"""Who reports to whom (第三条、第七条) and who may see, submit and review a semester report or list a unit for
correction (第四十五条、第四十六条). Every selector and service of the app narrows through here."""

from django.db.models import Q

from xueji.core.jurisdiction import NOTHING, division_scope, school_scope
from xueji.orgs.models import Division, School
from xueji.policy import semester as rules

from .models import Correction, SemesterReport

OFFICERS = ("county", "city", "province")
SCHOOL_ROLES = ("registrar", "leader")


# ---------------------------------------------------------------- the reporting tree


def school_reviewer(school: School) -> Division:
    """The school's competent authority, which confirms its report and lists it for correction."""
    return school.city if rules.school_reports_to_city(school.school_type, school.city_run) else school.county


def division_reviewer(division: Division) -> Division | None:
    return division.parent


def schools_reporting_to(division: Division | None):
    """The schools whose reports `division` reviews: set-based, by the school types of 第三条."""
    if division is None:
        return School.objects.none()
    senior = sorted(rules.senior_only_types())
    if division.level == Division.Level.COUNTY:
        return School.objects.filter(county=division, city_run=False).exclude(school_type__in=senior)
    if division.level == Division.Level.CITY:
        return School.objects.filter(Q(city_run=True) | Q(school_type__in=senior), city=division)
    return School.objects.none()


def divisions_reporting_to(division: Division | None):
    """Counties report to their city, cities to the province."""
    if division is None or division.level == Division.Level.COUNTY:
        return Division.objects.none()
    return Division.objects.filter(parent=division)


def schools_covered(division: Division):
    """The schools whose figures a division's own report counts: its subtree, as its officers see it."""
    if division.level == Division.Level.COUNTY:
        return School.objects.filter(county=division, city_run=False)
    if division.level == Division.Level.CITY:
        return School.objects.filter(city=division)
    return School.objects.all()


def own_unit(user) -> tuple[str, School | None, Division | None] | None:
    """(level, school, division) of the unit the user reports for, or None (province, auditor, guardian)."""
    if user.role in SCHOOL_ROLES and user.school_id:
        return rules.SCHOOL, user.school, None
    if user.role in ("county", "city") and user.division_id and user.division.level == user.role:
        return user.role, None, user.division
    return None


def is_officer_of(user, division: Division | None) -> bool:
    return (division is not None and user.role in OFFICERS and user.division_id == division.code
            and user.division.level == user.role)


# ---------------------------------------------------------------- reports


class ReportPolicy:
    @staticmethod
    def visible_to(user):
        if getattr(user, "role", "") not in (*SCHOOL_ROLES, *OFFICERS):
            return SemesterReport.objects.none()
        schools = school_scope(user, prefix="school__")
        divisions = division_scope(user)
        by_division = Q(division__in=Division.objects.filter(divisions)) if divisions != NOTHING else NOTHING
        return SemesterReport.objects.filter((Q(school__isnull=False) & schools) | by_division)

    @staticmethod
    def user_can(user, action: str, report: SemesterReport) -> bool:
        if not ReportPolicy.visible_to(user).filter(pk=report.pk).exists():
            return False
        if action == "view":
            return True
        if action == "review":
            return user.role in OFFICERS and user.division_id == report.reviewer_id
        return False


# ---------------------------------------------------------------- corrections


class CorrectionPolicy:
    @staticmethod
    def visible_to(user):
        """A school sees its own items; an authority the items it listed and those of the units below it."""
        role = getattr(user, "role", "")
        if role in SCHOOL_ROLES and user.school_id:
            return Correction.objects.filter(school_id=user.school_id)
        if role in OFFICERS and user.division_id:
            below = Division.objects.filter(division_scope(user)).values("code")
            return Correction.objects.filter(school_scope(user, prefix="school__")
                                             | Q(authority_id=user.division_id) | Q(unit_code__in=below))
        return Correction.objects.none()

    @staticmethod
    def user_can(user, action: str, item: Correction) -> bool:
        if not CorrectionPolicy.visible_to(user).filter(pk=item.pk).exists():
            return False
        if action == "view":
            return True
        if action == "mark":
            # The authority that listed the item judges that it was corrected (第四十五、四十六条 责令改正).
            return user.role in OFFICERS and user.division_id == item.authority_id
        return False
