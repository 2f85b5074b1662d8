"""Graduation (第三十四–三十六条): who may be proposed, who numbers the certificate, when the city may seal.

Pure rules; the services in xueji.graduation gather the facts and call these.
"""

from __future__ import annotations

import datetime

from xueji.policy.changes.transitions import ENROLLED
from xueji.policy.province import SENIOR, STAGE_LABELS, ProvincePolicy, get_policy
from xueji.policy.violations import Violation

A34, A35, A36 = "第三十四条", "第三十五条", "第三十六条"


def final_grade(stage: str, *, policy: ProvincePolicy | None = None) -> int:
    return (policy or get_policy()).stage_grades[stage][1]


def is_final_grade(grade: int, *, policy: ProvincePolicy | None = None) -> bool:
    policy = policy or get_policy()
    return grade == final_grade(policy.stage_of_grade(grade), policy=policy)


def check_candidate(status: str, grade: int, *, field: str = "students",
                    policy: ProvincePolicy | None = None) -> list[Violation]:
    """第三十四条 学习期满: only a 在籍 student of the last grade of his stage may be proposed to graduate."""
    policy = policy or get_policy()
    found = []
    if status != ENROLLED:
        found.append(Violation("graduation_not_enrolled",
                               f"只有在籍学生可以申请毕业,该学生学籍状态为“{status}”({A34})", A34, field))
    if not is_final_grade(grade, policy=policy):
        stage = policy.stage_of_grade(grade)
        found.append(Violation("graduation_not_final_grade",
                               f"只有{STAGE_LABELS[stage]}最高年级(学习期满)的学生可以申请毕业,该学生在"
                               f"{grade}年级({A34})", A34, field))
    return found


def numbering_level(stage: str, *, policy: ProvincePolicy | None = None) -> str:
    """county or city: who numbers this stage's graduation certificates (第三十四、三十六条)."""
    return (policy or get_policy()).certificate_numbering_level[stage]


def sealing_deadline(school_year: int, *, policy: ProvincePolicy | None = None) -> datetime.date:
    """The last day of the year's sealing: end of May of the school year's second calendar year (第三十六条)."""
    month, day = (policy or get_policy()).certificate_sealing_deadline
    return datetime.date(school_year + 1, month, day)


def check_sealing(today: datetime.date, school_year: int, *, already_sealed: bool,
                  policy: ProvincePolicy | None = None) -> list[Violation]:
    """第三十六条 验印工作在每年的五月底前一次性完成: once a year per city, by the deadline."""
    found = []
    deadline = sealing_deadline(school_year, policy=policy)
    if today > deadline:
        found.append(Violation("sealing_after_deadline",
                               f"毕业证书验印须在{deadline:%Y年%-m月%-d日}前完成,今天已过期限({A36})", A36, "sealed_on"))
    if already_sealed:
        found.append(Violation("sealing_already_done",
                               f"本市{school_year}学年的毕业证书验印已完成,每年只能一次性完成({A36})", A36, "school_year"))
    return found


def is_senior(grade: int, *, policy: ProvincePolicy | None = None) -> bool:
    return (policy or get_policy()).stage_of_grade(grade) == SENIOR
