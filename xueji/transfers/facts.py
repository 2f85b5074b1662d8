"""The plain facts the transfer rules take (xueji.policy.changes.common), read from the database or from a
description of a school outside this registry (another province's school, a 中等职业学校, a package's source).

Nothing here decides a rule: it only says what a school or a student is.
"""

import datetime

from xueji.archive.selectors import under_discipline
from xueji.orgs.models import School
from xueji.policy import codes
from xueji.policy.changes.common import PRIVATE, PUBLIC, SchoolFacts, StudentFacts, is_urban_district
from xueji.policy.province import get_policy

# The 中等职业学校 codes of the 办学类型 standard (36x: 中等技术学校, 中等师范学校, 成人中专, 职业高中, 技工学校 …).
# They are outside this registry (第二条); a school or a package naming one is vocational (第十九、二十条).
VOCATIONAL_TYPE_PREFIX = "36"


def is_vocational_type(school_type: str) -> bool:
    return str(school_type or "").startswith(VOCATIONAL_TYPE_PREFIX)


def school_facts(school: School) -> SchoolFacts:
    county = school.county_id or ""
    return SchoolFacts(
        code=school.code,
        school_type=school.school_type,
        ownership=school.ownership,
        provincial_model=school.provincial_model,
        vocational=is_vocational_type(school.school_type),
        city_code=school.city_id or "",
        county_code=county,
        city_district=is_urban_district(county),
    )


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


def student_facts(student, on: datetime.date) -> StudentFacts:
    return StudentFacts(
        grade=student.grade,
        status=student.status,
        under_discipline=under_discipline(student, on),
        disabled=student.disability_type not in ("", "0"),
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
