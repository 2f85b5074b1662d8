"""辍学 (第三十三条): compulsory stage only; reported in writing to the township government, the county and the
学籍主管部门; the record is kept through the compulsory years, so it cannot be closed before then.

"在义务教育年限内" is read as: until the school year in which the child would have been in the last
compulsory grade (初三) had the child stayed.
"""

from __future__ import annotations

from collections.abc import Iterable

from xueji.policy.changes import reasons
from xueji.policy.changes.common import ChainStep, StudentFacts
from xueji.policy.changes.transitions import ENROLLED
from xueji.policy.province import CITY, COUNTY, JUNIOR, ProvincePolicy, get_policy
from xueji.policy.violations import Violation

A31, A33 = "第三十一条", "第三十三条"
RECIPIENTS = {"township": "当地乡镇人民政府", "county": "县级教育行政部门", "city": "市级学籍主管部门"}

RULES: dict[str, tuple[str, ...]] = {
    "dropout_not_compulsory": (A33,),
    "dropout_status": (A33,),
    "dropout_report_missing": (A33,),
    "dropout_proof_missing": (A33,),
    "dropout_record_kept": (A33,),
}


def check_dropout(
    student: StudentFacts,
    *,
    reported_to: Iterable[str] = (),
    proofs: Iterable[str] = (),
    authority_level: str = COUNTY,
    policy: ProvincePolicy | None = None,
) -> list[Violation]:
    """reported_to holds the recipients of the written report: township, county, and city when the city is the
    school's 学籍主管部门 (a city-run school, 第三条)."""
    policy = policy or get_policy()
    if not policy.is_compulsory(student.grade):
        return [
            Violation(
                "dropout_not_compulsory",
                f"辍学只适用于小学、初中学生({A33});普通高中学生长期旷课的按自动退学处理({A31})",
                A33,
                "student",
            )
        ]
    found = []
    if student.status != ENROLLED:
        found.append(
            Violation(
                "dropout_status",
                f"只有在籍学生可以登记辍学,该学生学籍状态为“{student.status}”({A33})",
                A33,
                "student",
            )
        )
    have = set(reported_to)
    for recipient in required_recipients(authority_level):
        if recipient not in have:
            found.append(
                Violation(
                    "dropout_report_missing",
                    f"辍学情况须依法及时书面上报{RECIPIENTS[recipient]}({A33})",
                    A33,
                    f"reported_to.{recipient}",
                )
            )
    found += reasons.check_proofs(reasons.DROPOUT, proofs, code="dropout_proof_missing")
    return found


def required_recipients(authority_level: str = COUNTY) -> tuple[str, ...]:
    """Township and county always; the city too when it is the 学籍主管部门."""
    return ("township", "county", CITY) if authority_level == CITY else ("township", "county")


def record_kept_through(grade: int, school_year: int, *, policy: ProvincePolicy | None = None) -> int:
    """The school year (its starting calendar year) through which a dropout's record is kept: the year the
    child would have reached the last compulsory grade."""
    last = (policy or get_policy()).stage_grades[JUNIOR][1]
    return school_year + max(last - grade, 0)


def check_dropout_record_close(
    *,
    grade_at_dropout: int,
    dropout_school_year: int,
    current_school_year: int,
    policy: ProvincePolicy | None = None,
) -> list[Violation]:
    """Refuse closing a dropout's record while the compulsory years last (第三十三条)."""
    kept = record_kept_through(grade_at_dropout, dropout_school_year, policy=policy)
    if current_school_year > kept:
        return []
    return [
        Violation(
            "dropout_record_kept",
            f"辍学学生的学籍在义务教育年限内须保留(至{kept}–{kept + 1}学年结束),不能注销({A33})",
            A33,
            "student",
        )
    ]


def dropout_steps(authority_level: str = COUNTY) -> tuple[ChainStep, ...]:
    """The school writes its report; each recipient is told, none decides (第三十三条)."""
    return (
        ChainStep("school", "registrar", "学校登记辍学并上传书面报告", None, "submit"),
        *(
            ChainStep(recipient, recipient, f"书面上报{RECIPIENTS[recipient]}", action="report")
            for recipient in required_recipients(authority_level)
        ),
    )
