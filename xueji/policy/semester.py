"""The semester report (第七条), the term-end re-check (第四十三条) and the correction list (第四十五条、第四十六条):
who reports to whom, and what each kind of listed offence cites. Pure data and small functions."""

import datetime

from xueji.policy.province import CITY, SENIOR, ProvincePolicy, authority_level, get_policy
from xueji.policy.violations import Violation

ART_REPORT = "第七条"
ART_RECHECK = "第四十三条"
ART_AUTHORITY = "第四十五条"
ART_SCHOOL = "第四十六条"

# Levels of the reporting units, bottom up. The province receives; it reports to no one in this registry.
SCHOOL, COUNTY_LEVEL, CITY_LEVEL, PROVINCE_LEVEL = "school", "county", "city", "province"
UPWARD = {COUNTY_LEVEL: CITY_LEVEL, CITY_LEVEL: PROVINCE_LEVEL}

# 第七条 "每学期末向上级呈报": the registry shows a report as late this many days after the term ends. Shown,
# never enforced: a late unit can still report.
REPORT_DAYS_AFTER_TERM = 15


def report_due(term_end: datetime.date) -> datetime.date:
    return term_end + datetime.timedelta(days=REPORT_DAYS_AFTER_TERM)


# Report states: a returned report stays as it was and the unit submits a new version.
SUBMITTED, CONFIRMED, RETURNED = "submitted", "confirmed", "returned"
STATUS_LABELS = {SUBMITTED: "待审核", CONFIRMED: "已确认", RETURNED: "已退回", "": "未报送"}


# Kinds of the correction list: (label, articles cited, what the unit must do).
CORRECTION_KINDS = {
    "over_cap": ("班额超标", "第十三条、第四十六条",
                 "班级人数超过第十三条的最大班额,或超过常规班额而未记录理由:调整编班"),
    "unregistered": ("逾期未建立学籍", "第十一条、第四十六条",
                     "新生入学超过15日仍未提交学籍注册:尽快报送注册"),
    "dropout_unreported": ("休学期满未复学、未报辍学", "第二十四条、第三十三条、第四十六条",
                           "休学期满既未复学也未延长:办理复学、延长休学,或按第三十三条报告辍学"),
    "archive_late": ("学籍档案移交逾期", "第二十二条、第四十六条",
                     "转学后一个月内未办结学籍档案移交:寄出或确认接收档案"),
    "decided_late": ("逾期办理学籍异动", "第二十二条、第四十六条",
                     "学籍异动审核超过规定时限才办理:说明原因并按时限办理"),
}
# A bureau that decided late answers to the tier above (第四十五条), a school to its authority (第四十六条).
AUTHORITY_LATE_ARTICLES = "第二十二条、第四十五条"


def senior_only_types(policy: ProvincePolicy | None = None) -> frozenset[str]:
    """School types that teach only high-school grades: the city is their authority (第三条)."""
    policy = policy or get_policy()
    return frozenset(code for code, rule in policy.school_types.items()
                     if policy.stage_of_grade(rule.first_grade) == SENIOR)


def school_reports_to_city(school_type: str, city_run: bool, policy: ProvincePolicy | None = None) -> bool:
    """A school reports to its competent authority (第三条、第七条): the city for a city-run school or a school of
    high-school grades only, else its county. A school teaching both stages reports to the county, which sees it."""
    policy = policy or get_policy()
    try:
        first = policy.school_type(school_type).first_grade
    except ValueError:
        return city_run
    return authority_level(school_type, grade=first, city_run=city_run, policy=policy) == CITY


def check_return_reason(reason: str) -> list[Violation]:
    if not (reason or "").strip():
        return [Violation("reason_required", "退回学期报告须填写退回理由,说明学校或下级部门应如何更正(第七条)",
                          ART_REPORT, "reason")]
    return []


def check_mark_note(note: str) -> list[Violation]:
    if not (note or "").strip():
        return [Violation("note_required", "标记已整改须填写整改说明:做了什么、何时完成(第四十五条、第四十六条)",
                          ART_SCHOOL, "note")]
    return []
