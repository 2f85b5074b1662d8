"""借读 (第二十五–二十七条): studying at another school while the record stays at home.

Only the family situations of 第二十五条; the same grade as at home (第二十六条); the receiving class may not
pass its class caps after taking the student. 第二十六条 of the reprint points to "第十六条" for those caps, a
misprint: the caps are in 第十三条, so the check uses province.check_class_size() and cites both articles.
The record, the certificates and the high-school proficiency exams stay with the home school (第二十七条).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from xueji.policy.changes import reasons
from xueji.policy.changes.common import SchoolFacts, StudentFacts, grade_label
from xueji.policy.changes.transitions import ENROLLED
from xueji.policy.province import ProvincePolicy, check_class_size, get_policy
from xueji.policy.violations import Violation

A25, A26, A27 = "第二十五条", "第二十六条", "第二十七条"

# Why a stay ends: a label table for the form and the history, not a rule.
END_REASONS = {
    "finished": "借读期满或监护人申请结束借读",
    "returned": "返回学籍所在学校就读",
    "grade_mismatch": f"借读年级与原学校年级不符,取消借读资格({A26})",
}

RULES: dict[str, tuple[str, ...]] = {
    "visiting_not_enrolled": (A25,),
    "visiting_reason_not_allowed": (A25,),
    "visiting_abroad_too_short": (A25,),
    "visiting_same_school": (A25,),
    "visiting_grade_mismatch": (A26,),
    "visiting_host_lacks_grade": (A26,),
    "visiting_class_over_hard_cap": (A26,),
    "visiting_class_over_normal_cap_needs_reason": (A26,),
    "visiting_proof_missing": (A26,),
    "visiting_certificate_issuer": (A27,),
    "visiting_exam_school": (A27,),
}


@dataclass(frozen=True)
class VisitingPlacement:
    """Where each part of a visiting student's affairs belongs (第二十七条)."""

    record_school: str
    sits_at: str
    certificates_by: str
    exams_at: str


def check_visiting(
    student: StudentFacts,
    home: SchoolFacts,
    host: SchoolFacts,
    *,
    reason: str,
    proofs: Iterable[str] = (),
    host_grade: int | None = None,
    host_class_size: int,
    class_reason: str = "",
    abroad_months: int | None = None,
    policy: ProvincePolicy | None = None,
) -> list[Violation]:
    """A visiting application at the receiving school.

    host_grade is the grade the student would sit in (None: the same as at home); host_class_size the class's
    size before taking the student; class_reason the written reason that lets a class pass its normal cap
    (第十三条); abroad_months how long both parents' work abroad lasts (parents_abroad only).
    """
    policy = policy or get_policy()
    host_grade = student.grade if host_grade is None else host_grade
    found = []
    if student.status != ENROLLED:
        found.append(
            Violation(
                "visiting_not_enrolled",
                f"只有在籍学生可以申请借读,该学生学籍状态为“{student.status}”({A25})",
                A25,
                "student",
            )
        )
    known, problems = reasons.check_reason(
        reasons.VISITING_REASONS, reason, code="visiting_reason_not_allowed", article=A25, what="借读"
    )
    found += problems
    if reason == "parents_abroad" and (abroad_months or 0) < policy.visiting_abroad_min_months:
        found.append(
            Violation(
                "visiting_abroad_too_short",
                f"父母双方出国工作须一年以上方可借读,请填写并证明出国工作期限({A25})",
                A25,
                "abroad_months",
            )
        )
    if host.code == home.code:
        found.append(Violation("visiting_same_school", f"借读须到学籍所在学校以外的学校({A25})", A25, "host"))
    found += check_visiting_grade(student.grade, host_grade)
    if not host.teaches(host_grade, policy):
        found.append(
            Violation(
                "visiting_host_lacks_grade",
                f"接收学校没有{grade_label(host_grade)},不能接收该生借读({A26})",
                A26,
                "host",
            )
        )
    else:
        found += _class_cap(host_grade, host_class_size, class_reason, policy)
    if known is not None:
        found += reasons.check_proofs(
            known, proofs, code="visiting_proof_missing", article=A26, common=reasons.VISITING_COMMON_PROOFS
        )
    return found


def check_visiting_grade(home_grade: int, host_grade: int) -> list[Violation]:
    """Same grade as at home; a student found in a higher or lower grade loses the permission (第二十六条)."""
    if home_grade == host_grade:
        return []
    return [
        Violation(
            "visiting_grade_mismatch",
            f"借读须在与原校相同的年级({grade_label(home_grade)}),在{grade_label(host_grade)}借读的"
            f"应取消借读资格({A26})",
            A26,
            "host_grade",
        )
    ]


def _class_cap(grade: int, size_before: int, class_reason: str, policy: ProvincePolicy) -> list[Violation]:
    found = []
    for problem in check_class_size(grade, size_before + 1, reason=class_reason, policy=policy):
        found.append(
            Violation(
                f"visiting_{problem.code}",
                f"接收借读生后,{problem.message}({A26})",
                A26,
                "host_class",
                problem.severity,
            )
        )
    return found


def visiting_placement(home: SchoolFacts, host: SchoolFacts) -> VisitingPlacement:
    """The record and the certificates stay with the home school; the student sits at the host (第二十七条)."""
    return VisitingPlacement(
        record_school=home.code, sits_at=host.code, certificates_by=home.code, exams_at=home.code
    )


def check_visiting_certificate(issuer_code: str, home: SchoolFacts) -> list[Violation]:
    """毕业、修业、肄业证书 of a visiting student come from the home school only (第二十七条)."""
    if issuer_code == home.code:
        return []
    return [
        Violation(
            "visiting_certificate_issuer",
            f"借读学生的毕业证书、修业证书、肄业证书等由原学校发放,借读学校不得发放({A27})",
            A27,
            "school",
        )
    ]


def check_visiting_exam(exam_school_code: str, home: SchoolFacts) -> list[Violation]:
    """A visiting high-school student sits the 学业水平考试 at the home school (第二十七条)."""
    if exam_school_code == home.code:
        return []
    return [
        Violation(
            "visiting_exam_school",
            f"普通高中借读学生的学业水平考试在原学籍所在学校参加({A27})",
            A27,
            "school",
        )
    ]
