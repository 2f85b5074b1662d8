"""休学、延长休学、复学 (第二十三–二十四条), and the flag for a suspension that ran out (第三十一条).

Periods are half-open: a suspension from `start` to `end` covers start … end-1, and `end` is the day the
student is due back (2025-09-01 → 2026-09-01 is one year). Hours are 学时 of one term.

Section 三 of the reprint (non-normative notes) says graduating-year students "一般不准休学"; the articles do not,
so it is only a warning here. The same notes ask for 市级 hospital proof and force 下一年级 on resumption; 第二十四条
(县级以上医疗单位, the family's choice of grade) wins.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from xueji.policy.changes import reasons
from xueji.policy.changes.common import (
    Period,
    SchoolFacts,
    StudentFacts,
    add_years,
    grade_label,
    student_graduating,
    total_days,
)
from xueji.policy.changes.transitions import ENROLLED
from xueji.policy.province import ProvincePolicy, get_policy
from xueji.policy.violations import WARNING, Violation

A23, A24, A31 = "第二十三条", "第二十四条", "第三十一条"
ACTIVE, RESUMED, EXTENDED, EXPIRED_UNRESUMED = "active", "resumed", "extended", "expired_unresumed"

RULES: dict[str, tuple[str, ...]] = {
    "suspension_not_enrolled": (A23,),
    "suspension_reason_not_allowed": (A23,),
    "suspension_hours_required": (A23,),
    "suspension_hours_too_few": (A23,),
    "suspension_proof_missing": (A24,),
    "suspension_period_invalid": (A24,),
    "suspension_too_long": (A24,),
    "suspension_graduating_year": (),  # warning from the non-normative notes, no article
    "extension_not_suspended": (A24,),
    "extension_end_not_later": (A24,),
    "extension_over_limit": (A24,),
    "extension_proof_missing": (A24,),
    "extension_filed_late": (A24, A31),  # warning
    "resumption_not_suspended": (A24,),
    "resumption_grade_repeat": (A23,),
    "resumption_grade_skip": (A24,),
    "resumption_grade_not_taught": (A24,),
    "suspension_expired_unresumed": (A24,),  # warning
    "suspension_expired_auto_withdrawal": (A31,),  # warning
}


def check_suspension(
    student: StudentFacts,
    *,
    reason: str,
    proofs: Iterable[str] = (),
    start: datetime.date,
    end: datetime.date,
    hours_needed: int | None = None,
    term_hours: int | None = None,
    school: SchoolFacts | None = None,
    policy: ProvincePolicy | None = None,
) -> list[Violation]:
    """A first suspension: a listed reason with its proof, for at most the normal length (one year).

    hours_needed is the 学时 the illness keeps the student away (illness) or the leave already taken
    (long_leave); term_hours the term's total. school lets the graduating year be worked out for the warning.
    """
    policy = policy or get_policy()
    found = []
    if student.status != ENROLLED:
        found.append(
            Violation(
                "suspension_not_enrolled",
                f"只有在籍学生可以申请休学,该学生学籍状态为“{student.status}”({A23})",
                A23,
                "student",
            )
        )
    known, problems = reasons.check_reason(
        reasons.SUSPENSION_REASONS, reason, code="suspension_reason_not_allowed", article=A23, what="休学理由"
    )
    found += problems
    if known is not None:
        found += _hours(reason, hours_needed, term_hours, policy)
        found += reasons.check_proofs(
            known,
            proofs,
            code="suspension_proof_missing",
            article=A24,
            common=reasons.SUSPENSION_COMMON_PROOFS,
        )
    found += _first_period(start, end, policy)
    if school is not None and student_graduating(student, school, policy):
        found.append(
            Violation(
                "suspension_graduating_year",
                f"毕业年级({grade_label(student.grade)})学生无特殊情况一般不休学(学籍查询注意事项,非条文规定),请确认确有必要",
                None,
                "student",
                WARNING,
            )
        )
    return found


def _hours(
    reason: str, hours_needed: int | None, term_hours: int | None, policy: ProvincePolicy
) -> list[Violation]:
    if reason == "force_majeure":
        return []
    if not hours_needed or not term_hours:
        return [
            Violation(
                "suspension_hours_required",
                f"请填写需停课(或已请假)的学时和本学期总学时,以核实是否达到三分之一({A23})",
                A23,
                "hours_needed",
            )
        ]
    num, den = policy.suspension_hours_share
    # "三分之一以上" includes one third (illness); "超过三分之一" does not (leave).
    enough = (
        hours_needed * den >= num * term_hours
        if reason == "illness"
        else hours_needed * den > num * term_hours
    )
    if enough:
        return []
    wording = "达到" if reason == "illness" else "超过"
    return [
        Violation(
            "suspension_hours_too_few",
            f"{'停课治疗休养' if reason == 'illness' else '连续请假'}须{wording}一学期总学时的三分之一"
            f"({hours_needed}/{term_hours}学时不足),不能据此休学({A23})",
            A23,
            "hours_needed",
        )
    ]


def _first_period(start: datetime.date, end: datetime.date, policy: ProvincePolicy) -> list[Violation]:
    if end <= start:
        return [Violation("suspension_period_invalid", f"休学结束日期须晚于开始日期({A24})", A24, "end")]
    latest = add_years(start, policy.suspension_normal_years)
    if end > latest:
        return [
            Violation(
                "suspension_too_long",
                f"休学期限原则上为{policy.suspension_normal_years}年(至{latest:%Y年%m月%d日}),"
                f"期满仍不能复学的再申请延长({A24})",
                A24,
                "end",
            )
        ]
    return []


def check_extension(
    student: StudentFacts,
    *,
    periods: Sequence[Period],
    new_end: datetime.date,
    proofs: Iterable[str] = (),
    filed_on: datetime.date | None = None,
    policy: ProvincePolicy | None = None,
) -> list[Violation]:
    """An extension with new proof; all suspensions together at most two years (第二十四条).

    periods are the suspensions granted so far (start, end), the current one last."""
    policy = policy or get_policy()
    if not periods:
        raise ValueError("延长休学须给出已批准的休学期间")
    found = []
    if not student.is_suspended:
        found.append(
            Violation(
                "extension_not_suspended",
                f"只有休学学生可以申请延长休学,该学生学籍状态为“{student.status}”({A24})",
                A24,
                "student",
            )
        )
    current_end = max(end for _, end in periods)
    if new_end <= current_end:
        found.append(
            Violation(
                "extension_end_not_later",
                f"延长后的休学结束日期须晚于现休学期满日{current_end:%Y年%m月%d日}({A24})",
                A24,
                "end",
            )
        )
    else:
        found += _within_limit(periods, current_end, new_end, policy)
    found += reasons.check_proofs(
        reasons.EXTENSION_PROOFS, proofs, code="extension_proof_missing", article=A24
    )
    if filed_on is not None and filed_on > current_end:
        senior = not policy.is_compulsory(student.grade)
        article = A31 if senior else A24
        tail = ",普通高中学生未按期办理继续休学手续的可按自动退学处理" if senior else ""
        found.append(
            Violation(
                "extension_filed_late",
                f"延长休学应在休学期满({current_end:%Y年%m月%d日})前申请{tail}({article})",
                article,
                "filed_on",
                WARNING,
            )
        )
    return found


def _within_limit(periods, current_end, new_end, policy) -> list[Violation]:
    first_start = min(start for start, _ in periods)
    limit = (add_years(first_start, policy.suspension_max_years) - first_start).days
    used = total_days([*periods, (current_end, new_end)])
    if used <= limit:
        return []
    return [
        Violation(
            "extension_over_limit",
            f"休学累计至多{policy.suspension_max_years}年,延长至{new_end:%Y年%m月%d日}将累计{used}天,"
            f"超过{limit}天({A24})",
            A24,
            "end",
        )
    ]


def check_resumption(
    student: StudentFacts,
    *,
    requested_grade: int,
    school: SchoolFacts | None = None,
    policy: ProvincePolicy | None = None,
) -> list[Violation]:
    """Back to the grade the student left (student.grade) or the next one, as the family chooses (第二十四条);
    never a lower grade (第二十三条 不允许留级)."""
    policy = policy or get_policy()
    found = []
    if not student.is_suspended:
        found.append(
            Violation(
                "resumption_not_suspended",
                f"只有休学学生可以办理复学,该学生学籍状态为“{student.status}”({A24})",
                A24,
                "student",
            )
        )
    left, nxt = grade_label(student.grade), grade_label(student.grade + 1)
    if requested_grade < student.grade:
        found.append(
            Violation(
                "resumption_grade_repeat",
                f"不允许留级:复学只能回{left}或到{nxt}就读({A23})",
                A23,
                "requested_grade",
            )
        )
    elif requested_grade > student.grade + 1:
        found.append(
            Violation(
                "resumption_grade_skip",
                f"复学只能回原年级{left}或到下一年级{nxt}就读({A24})",
                A24,
                "requested_grade",
            )
        )
    elif not _taught(requested_grade, school, policy):
        found.append(
            Violation(
                "resumption_grade_not_taught",
                f"本校没有{grade_label(requested_grade)},复学请回原年级{left}({A24})",
                A24,
                "requested_grade",
            )
        )
    return found


def _taught(grade: int, school: SchoolFacts | None, policy: ProvincePolicy) -> bool:
    if school is not None:
        return school.teaches(grade, policy)
    return any(first <= grade <= last for first, last in policy.stage_grades.values())


def suspension_state(
    today: datetime.date, end: datetime.date, *, resumed: bool = False, extended: bool = False
) -> str:
    """active, resumed, extended, or expired_unresumed from the day after `end` when nothing was filed."""
    if resumed:
        return RESUMED
    if extended:
        return EXTENDED
    return ACTIVE if today <= end else EXPIRED_UNRESUMED


def check_suspension_expiry(
    student: StudentFacts,
    *,
    today: datetime.date,
    end: datetime.date,
    resumed: bool = False,
    extended: bool = False,
    policy: ProvincePolicy | None = None,
) -> list[Violation]:
    """Flag a suspension that ended with neither resumption nor extension; for high school it opens the
    automatic-withdrawal path (第三十一条), for the compulsory stage the school must bring the child back."""
    policy = policy or get_policy()
    if suspension_state(today, end, resumed=resumed, extended=extended) != EXPIRED_UNRESUMED:
        return []
    if policy.is_compulsory(student.grade):
        return [
            Violation(
                "suspension_expired_unresumed",
                f"休学已于{end:%Y年%m月%d日}期满,未办理复学或延长休学,请联系家长办理({A24})",
                A24,
                "student",
                WARNING,
            )
        ]
    return [
        Violation(
            "suspension_expired_auto_withdrawal",
            f"休学已于{end:%Y年%m月%d日}期满,未复学也未办理继续休学;经与家长联系仍不复学的,"
            f"可报县、市批准按自动退学处理({A31})",
            A31,
            "student",
            WARNING,
        )
    ]
