"""死亡 (第三十二条): the school cancels the record with proof within 10 working days of learning of the death.

Lateness is a flag, never a refusal: a late school must still report. Working days are counted by the caller
on the province's calendar.
"""

from __future__ import annotations

from collections.abc import Iterable

from xueji.policy.changes import reasons
from xueji.policy.changes.common import ChainStep, StudentFacts
from xueji.policy.changes.transitions import TRANSITIONS
from xueji.policy.province import ProvincePolicy, get_policy
from xueji.policy.violations import WARNING, Violation

A32 = "第三十二条"

RULES: dict[str, tuple[str, ...]] = {
    "death_status": (A32,),
    "death_proof_missing": (A32,),
    "death_report_overdue": (A32,),  # warning
}


def check_death(
    student: StudentFacts,
    *,
    proofs: Iterable[str] = (),
    working_days_since_known: int | None = None,
    policy: ProvincePolicy | None = None,
) -> list[Violation]:
    """A death report: an open record, the proof attached, and a flag when the 10 working days are past."""
    found = []
    if student.status not in TRANSITIONS["death"]:
        found.append(
            Violation(
                "death_status",
                f"学籍状态为“{student.status}”的学籍已关闭,不能再办理死亡注销({A32})",
                A32,
                "student",
            )
        )
    found += reasons.check_proofs(reasons.DEATH, proofs, code="death_proof_missing")
    if working_days_since_known is not None and death_report_overdue(working_days_since_known, policy=policy):
        limit = (policy or get_policy()).death_cancel_working_days
        found.append(
            Violation(
                "death_report_overdue",
                f"学校应在获知后{limit}个工作日内报注销学籍,已过{working_days_since_known}个工作日,"
                f"请尽快上报并说明原因({A32})",
                A32,
                "student",
                WARNING,
            )
        )
    return found


def death_report_overdue(working_days_since_known: int, *, policy: ProvincePolicy | None = None) -> bool:
    return working_days_since_known > (policy or get_policy()).death_cancel_working_days


def death_steps(*, policy: ProvincePolicy | None = None) -> tuple[ChainStep, ...]:
    """The school reports with proof within N working days; the authority cancels the record (第三十二条)."""
    days = (policy or get_policy()).death_cancel_working_days
    return (
        ChainStep("school", "registrar", "学校凭死亡证明上报", days, "submit"),
        ChainStep("authority", "authority", "学籍主管部门注销学籍"),
    )
