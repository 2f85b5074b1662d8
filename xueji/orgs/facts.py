"""What a school of the registry is, in the plain terms the change rules take (xueji.policy.changes.common).

Nothing here decides a rule. Transfers, visiting study and suspension read it alike, so it lives with the org tree
rather than in one of them.
"""

from xueji.orgs.models import School
from xueji.policy.changes.common import SchoolFacts, is_urban_district

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
