"""The plain facts the transfer rules take (xueji.policy.changes.common) about a school outside this registry
(another province's school, a 中等职业学校, a package's source), and whether a destination has a private school.
The facts of a school or a student of the registry come from xueji.orgs.facts and xueji.students.facts and are
re-exported here for the transfer types.

Nothing here decides a rule: it only says what a school or a student is.
"""


from xueji.orgs.facts import is_vocational_type, school_facts
from xueji.orgs.models import School
from xueji.policy import codes
from xueji.policy.changes.common import PRIVATE, PUBLIC, SchoolFacts, is_urban_district
from xueji.policy.province import get_policy
from xueji.students.facts import student_facts


def outside_facts(description: dict) -> SchoolFacts:
    """A school outside the registry as a transfer application or a package describes it:
    {code, name, school_type, ownership, provincial_model, vocational, county_code (6 digits)}."""
    county = str(description.get("county_code") or "")
    school_type = str(description.get("school_type") or "")
    vocational = bool(description.get("vocational")) or is_vocational_type(school_type)
    return SchoolFacts(
        code=str(description.get("code") or ""),
        school_type="" if vocational or codes.school_type_code(school_type) is None else school_type,
        ownership=PRIVATE if description.get("ownership") == PRIVATE else PUBLIC,
        provincial_model=bool(description.get("provincial_model")),
        vocational=vocational,
        city_code=f"{county[:4]}00" if len(county) == 6 else "",
        county_code=county if len(county) == 6 and not county.endswith("00") else "",
        city_district=is_urban_district(county) if len(county) == 6 else False,
    )


def has_private_school_for(destination: School, grade: int, *, besides: School | None = None) -> bool:
    """转入地无民办学校 (第二十条): read as "no private ordinary school teaching this grade in the destination's
    city", the city being the 学籍主管部门 of high schools (第三条) that arranges the exception."""
    policy = get_policy()
    types = [code for code in codes.SCHOOL_TYPE
             if code not in codes.SPECIAL_EDUCATION_SCHOOL_TYPES and code != "371"
             and grade in policy.grades_for(code)]
    qs = School.objects.filter(city_id=destination.city_id, ownership=PRIVATE, school_type__in=types)
    if besides is not None:
        qs = qs.exclude(pk=besides.pk)
    return qs.exists()


__all__ = ["has_private_school_for", "is_vocational_type", "outside_facts", "school_facts", "student_facts"]
