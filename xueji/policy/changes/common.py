"""The plain facts every change check takes, and the small helpers the change modules share.

The caller (a service) reads its models and fills these dataclasses; the checks never see Django objects.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from xueji.policy import codes
from xueji.policy.areas import area_name
from xueji.policy.fields import GRADE_LABELS
from xueji.policy.province import SENIOR, STAGE_LABELS, ProvincePolicy, get_policy

PUBLIC, PRIVATE = "public", "private"
# A 中等职业学校 counts its three years like 高一–高三 for the same-grade rule (第二十条).
VOCATIONAL_GRADES = range(10, 13)
WORK_STUDY_SCHOOL_TYPE = "371"

Period = tuple[datetime.date, datetime.date]


@dataclass(frozen=True)
class SchoolFacts:
    """What the change rules need to know about a school.

    school_type is a SCHOOL_TYPE code or label; a 中等职业学校 (outside SCHOOL_TYPE, 第二条) sets vocational=True
    and may leave school_type empty. city_district says the school stands in one of its city's 市辖区 (urban
    districts), which decides "同一城市区域" (第二十条); see same_city_area().
    """

    code: str
    school_type: str = ""
    ownership: str = PUBLIC
    provincial_model: bool = False
    vocational: bool = False
    special_education: bool = False
    work_study: bool = False
    city_code: str = ""
    county_code: str = ""
    city_district: bool = False

    @property
    def is_private(self) -> bool:
        return self.ownership == PRIVATE

    @property
    def is_special(self) -> bool:
        return self.special_education or codes.school_type_code(self.school_type) in (
            codes.SPECIAL_EDUCATION_SCHOOL_TYPES
        )

    @property
    def is_work_study(self) -> bool:
        return self.work_study or codes.school_type_code(self.school_type) == WORK_STUDY_SCHOOL_TYPE

    @property
    def is_ordinary(self) -> bool:
        """A 普通学校: neither special-education, work-study nor vocational."""
        return not (self.is_special or self.is_work_study or self.vocational)

    @property
    def province_code(self) -> str:
        division = self.county_code or self.city_code
        return f"{division[:2]}0000" if division else ""

    def grades(self, policy: ProvincePolicy | None = None) -> range:
        if self.vocational:
            return VOCATIONAL_GRADES
        return (policy or get_policy()).grades_for(self.school_type)

    def teaches(self, grade: int, policy: ProvincePolicy | None = None) -> bool:
        try:
            return grade in self.grades(policy)
        except ValueError:
            return False

    def is_general_high_school_for(self, grade: int, policy: ProvincePolicy | None = None) -> bool:
        """A 普通高中 for this student: a high-school grade at an ordinary school (not special-education,
        work-study or vocational)."""
        policy = policy or get_policy()
        return self.is_ordinary and policy.stage_of_grade(grade) == SENIOR


@dataclass(frozen=True)
class StudentFacts:
    """What the change rules need to know about a student.

    status is the stored 学籍状态 word (在籍, 休学, …; a missing student is stored as 失踪).
    graduating_year None means "work it out from the grade and the school" (is_graduating_grade).
    """

    grade: int
    status: str = "在籍"
    suspended: bool = False
    under_discipline: bool = False
    graduating_year: bool | None = None
    minor: bool = True
    disabled: bool = False

    @property
    def is_suspended(self) -> bool:
        return self.suspended or self.status == "休学"


@dataclass(frozen=True)
class ChainStep:
    """One step of a change's chain: who acts, what they do, and the working days they have (None: no limit).

    org names a party relative to the application: school, authority (the school's 学籍主管部门, 第三条),
    township, county, city, or for a transfer receiving_/sending_ school or authority.
    action is "submit" (starts the application), "approve" (a decision) or "report" (a report that needs no
    decision).
    """

    org: str
    role: str
    label: str
    working_days: int | None = None
    action: str = "approve"


def grade_label(grade: int) -> str:
    return GRADE_LABELS.get(grade, f"{grade}年级")


def stage_label(grade: int, policy: ProvincePolicy | None = None) -> str:
    return STAGE_LABELS[(policy or get_policy()).stage_of_grade(grade)]


def is_graduating_grade(grade: int, school: SchoolFacts, policy: ProvincePolicy | None = None) -> bool:
    """毕业年级 (第二十条): 六年级, 初三 and 高三, except a 六年级 at a school that also teaches 初一
    (九年一贯制 or 十二年一贯制: its pupils go on without leaving, 第九条). 初三 stays a graduating grade
    everywhere: junior high ends with its own graduation and the 中考 even in a 完全中学."""
    policy = policy or get_policy()
    if grade not in policy.graduating_grades:
        return False
    return not (grade in policy.through_train_grades and school.teaches(grade + 1, policy))


def student_graduating(
    student: StudentFacts, school: SchoolFacts, policy: ProvincePolicy | None = None
) -> bool:
    if student.graduating_year is not None:
        return student.graduating_year
    return is_graduating_grade(student.grade, school, policy)


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when shorter (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def total_days(periods: Iterable[Period]) -> int:
    """Days covered by half-open periods [start, end), overlaps counted once."""
    covered = 0
    last_end: datetime.date | None = None
    for start, end in sorted(periods):
        if last_end is not None and start < last_end:
            start = last_end
        if end > start:
            covered += (end - start).days
            last_end = end if last_end is None else max(last_end, end)
    return covered


# ---------------------------------------------------------------- divisions (GB/T 2260)


def division_level(code: str) -> str:
    """province, city or county for a 6-digit division code."""
    code = str(code)
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def is_urban_district(code: str) -> bool:
    """A 市辖区: a county-level division named …区 (小店区, 城区, 矿区). 特区 and 神农架林区 are county-level
    units of another kind, not parts of a city's urban area."""
    code = str(code)
    name = area_name(code) or ""
    if division_level(code) != "county" or not name.endswith("区"):
        return False
    return not (name.endswith("特区") or name == "神农架林区")


def same_city_area(code_a: str, code_b: str) -> bool:
    """同一城市区域: two urban districts (市辖区) of the same city, e.g. 小店区 and 迎泽区 of 太原市."""
    return str(code_a)[:4] == str(code_b)[:4] and is_urban_district(code_a) and is_urban_district(code_b)


def within_division(county_code: str, division: str) -> bool:
    """True when a county-level code lies in `division` (a province, city or county code)."""
    division = str(division)
    prefix = {"province": 2, "city": 4, "county": 6}[division_level(division)]
    return str(county_code)[:prefix] == division[:prefix]
