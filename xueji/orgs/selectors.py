"""Reads of the org tree through the jurisdiction policies; a node outside the caller's subtree is absent."""

from django.db.models import QuerySet

from xueji.core.errors import NotFound

from .models import Division, School, SchoolClass
from .permissions import ClassPolicy, DivisionPolicy, SchoolPolicy


def find_school(user, code: str, *, purpose: str = "view") -> School:
    """The school if the user's subtree holds it; otherwise NotFound, and the attempt is logged."""
    school = SchoolPolicy.visible_to(user).select_related("county", "city").filter(pk=(code or "").strip()).first()
    if school is None:
        raise NotFound("未找到该学校,或该学校不在您的管辖范围内",
                       actor=user, action=f"school.{purpose}", object_type="school", object_id=code)
    return school


def find_class(user, pk, *, purpose: str = "view") -> SchoolClass:
    """The class if the user may see it; otherwise NotFound (absent and outside look the same), logged."""
    school_class = None
    if str(pk).isdigit():
        school_class = (SchoolClass.objects.select_related("school", "school__county", "school__city")
                        .filter(pk=int(pk)).first())
    if school_class is None or not ClassPolicy.user_can(user, "view", school_class):
        raise NotFound("未找到该班级,或其不在您的管辖范围内",
                       actor=user, action=f"class.{purpose}", object_type="schoolclass", object_id=pk)
    return school_class


def find_org(user, code: str) -> Division | School:
    """A division (6-digit code) or a school (10-digit code) the user may see."""
    code = (code or "").strip()
    if len(code) == 6:
        division = DivisionPolicy.visible_to(user).select_related("parent").filter(pk=code).first()
        if division is None:
            raise NotFound("未找到该单位,或该单位不在您的管辖范围内",
                           actor=user, action="org.view", object_type="division", object_id=code)
        return division
    return find_school(user, code)


def child_divisions(user, division: Division) -> QuerySet[Division]:
    return DivisionPolicy.visible_to(user).filter(parent=division)


def schools_under(user, division: Division) -> QuerySet[School]:
    """The schools hanging directly under a division in the tree (School.tree_parent): a county's own
    schools, or the schools a city runs directly (第三条)."""
    qs = SchoolPolicy.visible_to(user).select_related("county", "city")
    if division.level == Division.Level.COUNTY:
        return qs.filter(county=division, city_run=False)
    if division.level == Division.Level.CITY:
        return qs.filter(city=division, city_run=True)
    return qs.none()


def search_schools(user, *, county: str | None = None, city: str | None = None,
                   school_type: str | None = None, q: str = "") -> QuerySet[School]:
    qs = SchoolPolicy.visible_to(user).select_related("county", "city")
    if county:
        qs = qs.filter(county_id=county)
    if city:
        qs = qs.filter(city_id=city)
    if school_type:
        qs = qs.filter(school_type=school_type)
    if q:
        qs = qs.filter(name__contains=q.strip())
    return qs.order_by("code")


def classes_of(user, school: School) -> QuerySet[SchoolClass]:
    return ClassPolicy.visible_to(user).filter(school=school).select_related("campus")
