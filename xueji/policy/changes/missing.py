"""失踪、被羁押等离校 (第四十一条): reported to the city, the record kept.

A student who leaves because missing, detained or placed under an education measure is marked 失踪 (shown as
失踪/其他离校) and the school reports to the city's education bureau. The record is kept wherever possible;
a minor under criminal compulsory measures keeps it without exception. A student given no sentence, a
suspended sentence, parole or a non-custodial penalty stays at school, so is never marked as left, and a
student released comes back (missing_return).
"""

from __future__ import annotations

from xueji.policy.changes import reasons
from xueji.policy.changes.common import ChainStep, StudentFacts
from xueji.policy.changes.transitions import ENROLLED, MISSING
from xueji.policy.violations import Violation

A41 = "第四十一条"

RULES: dict[str, tuple[str, ...]] = {
    "leave_status": (A41,),
    "leave_reason_not_allowed": (A41,),
    "leave_city_report_missing": (A41,),
    "leave_non_custodial": (A41,),
    "record_cancel_minor_measures": (A41,),
    "missing_return_status": (A41,),
}


def check_leave(
    student: StudentFacts,
    *,
    reason: str,
    reported_to_city: bool = False,
    judicial_outcome: str | None = None,
) -> list[Violation]:
    """Marking a student as left (missing, detained, education measure) with the report to the city."""
    found = []
    if student.status != ENROLLED:
        found.append(
            Violation(
                "leave_status",
                f"只有在籍学生可以登记失踪或离校,该学生学籍状态为“{student.status}”({A41})",
                A41,
                "student",
            )
        )
    _, problems = reasons.check_reason(
        reasons.LEAVE_REASONS, reason, code="leave_reason_not_allowed", article=A41, what="失踪或离校登记"
    )
    found += problems
    if judicial_outcome == "non_custodial":
        found.append(
            Violation(
                "leave_non_custodial",
                f"被宣告免刑、缓刑、假释或判处非监禁刑的学生应继续留校学习,不登记离校({A41})",
                A41,
                "judicial_outcome",
            )
        )
    if not reported_to_city:
        found.append(
            Violation(
                "leave_city_report_missing",
                f"学生因失踪、被刑事拘留等原因离校的,学校须及时向市级教育行政部门报告({A41})",
                A41,
                "reported_to_city",
            )
        )
    return found


def check_record_cancel(student: StudentFacts, *, judicial_outcome: str | None = None) -> list[Violation]:
    """Closing the record of a student who left is never allowed for a minor under criminal compulsory
    measures (第四十一条). For anyone else the record is kept where possible: the status table closes a 失踪
    record only by death or by a withdrawal the family asks for (第二十九条(四))."""
    if student.minor and judicial_outcome == "criminal_measure":
        return [
            Violation(
                "record_cancel_minor_measures",
                f"对被采取刑事强制措施的未成年学生,学校不得取消其学籍({A41})",
                A41,
                "student",
            )
        ]
    return []


def check_return(student: StudentFacts) -> list[Violation]:
    """A student who left comes back to study; the school must let a released minor return (第四十一条)."""
    if student.status == MISSING:
        return []
    return [
        Violation(
            "missing_return_status",
            f"只有登记为失踪或离校的学生办理回校就读,该学生学籍状态为“{student.status}”({A41})",
            A41,
            "student",
        )
    ]


def leave_steps() -> tuple[ChainStep, ...]:
    """The school records the leave and reports it to the city (第四十一条)."""
    return (
        ChainStep("school", "registrar", "学校登记学生离校情况", None, "submit"),
        ChainStep("city", "city", "向市级教育行政部门报告", action="report"),
    )
