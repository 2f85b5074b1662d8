"""退学 (第二十八–三十一条): withdrawal on application, automatic withdrawal, and the return of emigrants.

- Compulsory stage (第二十八条): only loss of the ability to study or settling abroad; the township (街道)
  government's approval is recorded; the county processes it, whoever runs the school.
- High school (第二十九条): the four grounds, each with its proof; a minor under criminal compulsory
  measures keeps the record (第四十一条), so that is no ground.
- Automatic withdrawal (第三十一条, high school only): truancy past the thresholds, or a suspension that ran
  out, after the school's contacts with the family failed; approved by the county and then the city.
- Students who settled abroad and come back, and new immigrants, get a new record under chapter 3 (第三十条).

Truancy is counted within one term: "超过8周" is strictly more than 8 consecutive weeks, "累计10周及以上"
is 10 weeks or more in all, both read from the same term's data.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from xueji.policy.changes import reasons
from xueji.policy.changes.common import ChainStep, Period, StudentFacts, add_years, total_days
from xueji.policy.changes.suspension import EXPIRED_UNRESUMED, suspension_state
from xueji.policy.changes.transitions import ENROLLED, SUSPENDED, TRANSITIONS
from xueji.policy.province import ProvincePolicy, get_policy
from xueji.policy.violations import WARNING, Violation

A28, A29, A30, A31, A33, A41 = (
    "第二十八条",
    "第二十九条",
    "第三十条",
    "第三十一条",
    "第三十三条",
    "第四十一条",
)

RULES: dict[str, tuple[str, ...]] = {
    "withdrawal_not_active": (A30,),
    "withdrawal_compulsory_ground": (A28,),
    "withdrawal_township_approval": (A28,),
    "withdrawal_senior_ground": (A29,),
    "withdrawal_illness_not_two_years": (A29,),
    "withdrawal_judicial_not_decided": (A29,),
    "withdrawal_minor_under_measures": (A41,),
    "withdrawal_non_custodial": (A41,),  # warning
    "withdrawal_proof_missing": (A28, A29),
    "withdrawal_form_missing": (A30,),
    "auto_withdrawal_compulsory": (A31,),
    "auto_withdrawal_ground": (A31,),
    "auto_withdrawal_status": (A31,),
    "auto_withdrawal_truancy_below": (A31,),
    "auto_withdrawal_suspension_not_expired": (A31,),
    "auto_withdrawal_proof_missing": (A31,),
    "returning_needs_new_record": (A30,),
}


# ---------------------------------------------------------------- withdrawal on application (第二十八–三十条)


def check_withdrawal(
    student: StudentFacts,
    *,
    ground: str,
    proofs: Iterable[str] = (),
    township_approved: bool = False,
    suspension_periods: Sequence[Period] = (),
    judicial_outcome: str | None = None,
    policy: ProvincePolicy | None = None,
) -> list[Violation]:
    """A withdrawal application. township_approved: the 乡镇(街道)人民政府's approval is on file (compulsory
    stage). suspension_periods: the suspensions granted (incurable_illness needs two years of them).
    judicial_outcome: a JUDICIAL_OUTCOME code (judicial ground)."""
    policy = policy or get_policy()
    proofs = set(proofs)
    found = []
    if student.status not in TRANSITIONS["withdrawal"]:
        found.append(
            Violation(
                "withdrawal_not_active",
                f"只有在籍、休学或离校(失踪)学生可以申请退学,该学生学籍状态为“{student.status}”({A30})",
                A30,
                "student",
            )
        )
    if policy.is_compulsory(student.grade):
        known, problems = reasons.check_reason(
            reasons.WITHDRAWAL_COMPULSORY_GROUNDS,
            ground,
            code="withdrawal_compulsory_ground",
            article=A28,
            what="义务教育阶段不允许学生退学,退学",
        )
        found += problems
        if not township_approved:
            found.append(
                Violation(
                    "withdrawal_township_approval",
                    f"义务教育阶段学生退学须报所在乡镇(街道)人民政府批准,并由县级教育行政部门办理({A28})",
                    A28,
                    "township_approved",
                )
            )
    else:
        known, problems = reasons.check_reason(
            reasons.WITHDRAWAL_SENIOR_GROUNDS,
            ground,
            code="withdrawal_senior_ground",
            article=A29,
            what="普通高中学生退学",
        )
        found += problems
        if ground == "incurable_illness":
            found += _suspended_two_years(suspension_periods, policy)
        elif ground == "judicial":
            found += _judicial(student, judicial_outcome)
    if known is not None:
        found += reasons.check_proofs(known, proofs, code="withdrawal_proof_missing")
    if not proofs.intersection(reasons.WITHDRAWAL_COMMON_PROOFS):
        found.append(
            Violation(
                "withdrawal_form_missing",
                f"退学须由学生或监护人填写{reasons.PROOF_KIND['withdrawal_form']}提出书面申请({A30})",
                A30,
                "evidence.withdrawal_form",
            )
        )
    return found


def _suspended_two_years(periods: Sequence[Period], policy: ProvincePolicy) -> list[Violation]:
    years = policy.illness_withdrawal_suspension_years
    if periods:
        first = min(start for start, _ in periods)
        if total_days(periods) >= (add_years(first, years) - first).days:
            return []
    return [
        Violation(
            "withdrawal_illness_not_two_years",
            f"因患不能治愈的重症或严重传染病退学,须已休学满{years}年({A29}),未满的请办理休学或延长休学",
            A29,
            "suspension_periods",
        )
    ]


def _judicial(student: StudentFacts, outcome: str | None) -> list[Violation]:
    if outcome == "criminal_measure":
        if student.minor:
            return [
                Violation(
                    "withdrawal_minor_under_measures",
                    f"对被采取刑事强制措施的未成年学生,学校不得取消其学籍({A41})",
                    A41,
                    "judicial_outcome",
                )
            ]
        return [
            Violation(
                "withdrawal_judicial_not_decided",
                f"尚未判决的刑事强制措施不属于判刑或强制性教育措施,不能据此退学({A29})",
                A29,
                "judicial_outcome",
            )
        ]
    if outcome == "non_custodial":
        return [
            Violation(
                "withdrawal_non_custodial",
                f"被宣告免刑、缓刑、假释或判处非监禁刑的学生,学校应继续让其留校学习并帮教;"
                f"退学须确属学生本人及监护人要求({A41})",
                A41,
                "judicial_outcome",
                WARNING,
            )
        ]
    if outcome in ("custodial_sentence", "education_measure"):
        return []
    return [
        Violation(
            "withdrawal_judicial_not_decided",
            f"请注明司法机关的处理结果(判刑或强制性教育措施)并附文书({A29})",
            A29,
            "judicial_outcome",
        )
    ]


def withdrawal_steps(grade: int, *, policy: ProvincePolicy | None = None) -> tuple[ChainStep, ...]:
    """Compulsory stage: school → township government → county (第二十八条);
    high school: school → authority (第三十条)."""
    policy = policy or get_policy()
    school = (
        ChainStep("school", "registrar", "学校受理退学申请(附件10)及证明材料", None, "submit"),
        ChainStep("school", "leader", "学校审核"),
    )
    if policy.is_compulsory(grade):
        return (
            *school,
            ChainStep("township", "township", "乡镇(街道)人民政府批准(录入批准文件)"),
            ChainStep("county", "county", "县级教育行政部门办理退学手续"),
        )
    return (*school, ChainStep("authority", "authority", "学籍主管部门批准"))


# ---------------------------------------------------------------- truancy and automatic withdrawal (第三十一条)


@dataclass(frozen=True)
class TruancyFinding:
    """One term's truancy measured against 第三十一条."""

    longest_run: float
    total: float
    consecutive_met: bool
    total_met: bool

    @property
    def met(self) -> bool:
        return self.consecutive_met or self.total_met


def truancy_finding(
    *,
    runs: Iterable[float] | None = None,
    weeks: Iterable[int] | None = None,
    policy: ProvincePolicy | None = None,
) -> TruancyFinding:
    """Measure a term's truancy from either the lengths of its consecutive absence runs (in weeks) or the
    numbers of the weeks absent (1, 2, 3, 7 …: adjacent numbers make one run)."""
    policy = policy or get_policy()
    if (runs is None) == (weeks is None):
        raise ValueError("请给出连续旷课周数(runs)或旷课周次(weeks)之一")
    if runs is not None:
        lengths = [run for run in runs if run > 0]
    else:
        lengths = _runs_of(sorted(set(weeks)))
    longest, total = max(lengths, default=0), sum(lengths)
    return TruancyFinding(
        longest, total, longest > policy.truancy_consecutive_weeks, total >= policy.truancy_total_weeks
    )


def _runs_of(numbers: list[int]) -> list[int]:
    lengths: list[int] = []
    previous = None
    for number in numbers:
        if previous is not None and number == previous + 1:
            lengths[-1] += 1
        else:
            lengths.append(1)
        previous = number
    return lengths


def check_auto_withdrawal(
    student: StudentFacts,
    *,
    ground: str,
    proofs: Iterable[str] = (),
    truancy_runs: Iterable[float] | None = None,
    truancy_weeks: Iterable[int] | None = None,
    today: datetime.date | None = None,
    suspension_end: datetime.date | None = None,
    resumed: bool = False,
    extended: bool = False,
    policy: ProvincePolicy | None = None,
) -> list[Violation]:
    """Automatic withdrawal of a high-school student (第三十一条): truancy past the thresholds, or a
    suspension over with neither resumption nor extension; the school's contacts with the family on file."""
    policy = policy or get_policy()
    if policy.is_compulsory(student.grade):
        return [
            Violation(
                "auto_withdrawal_compulsory",
                f"自动退学只适用于普通高中学生({A31});义务教育阶段学生长期不到校的按辍学上报({A33})",
                A31,
                "student",
            )
        ]
    known, found = reasons.check_reason(
        reasons.AUTO_WITHDRAWAL_GROUNDS, ground, code="auto_withdrawal_ground", article=A31, what="自动退学"
    )
    if known is None:
        return found
    expected = ENROLLED if ground == "truancy" else SUSPENDED
    if student.status != expected:
        found.append(
            Violation(
                "auto_withdrawal_status",
                f"“{known.label}”适用于学籍状态为“{expected}”的学生,该学生为“{student.status}”({A31})",
                A31,
                "student",
            )
        )
    if ground == "truancy":
        finding = truancy_finding(runs=truancy_runs, weeks=truancy_weeks, policy=policy)
        if not finding.met:
            found.append(
                Violation(
                    "auto_withdrawal_truancy_below",
                    f"一学期内连续旷课须超过{policy.truancy_consecutive_weeks}周或累计旷课{policy.truancy_total_weeks}周"
                    f"及以上,本学期最长连续{finding.longest_run:g}周、累计{finding.total:g}周,未达到({A31})",
                    A31,
                    "truancy",
                )
            )
    elif (
        suspension_end is None
        or today is None
        or suspension_state(today, suspension_end, resumed=resumed, extended=extended) != EXPIRED_UNRESUMED
    ):
        found.append(
            Violation(
                "auto_withdrawal_suspension_not_expired",
                f"只有休学期满后仍未复学、也未按期办理继续休学手续的,才能按自动退学处理({A31})",
                A31,
                "suspension_end",
            )
        )
    found += reasons.check_proofs(known, proofs, code="auto_withdrawal_proof_missing")
    return found


def auto_withdrawal_steps() -> tuple[ChainStep, ...]:
    """School → county → city (第三十一条 经学校报请县、市教育行政主管部门批准); the school then closes the record."""
    return (
        ChainStep(
            "school", "registrar", "学校提出自动退学处理并上传与家长联系、帮助教育的记录", None, "submit"
        ),
        ChainStep("school", "leader", "学校审核"),
        ChainStep("county", "county", "县级教育行政主管部门批准"),
        ChainStep("city", "city", "市级教育行政主管部门批准"),
    )


# ---------------------------------------------------------------- returning emigrants (第三十条)


@dataclass(frozen=True)
class IntakeAdvice:
    """What the intake does with a student who settled abroad and came back, or a new immigrant."""

    new_record: bool
    chapter: str
    article: str
    link_to: str | None
    message: str


def returning_intake(previous_student_number: str | None = None) -> IntakeAdvice:
    """第三十条: a new record under chapter 3 (入学、注册), linked to the earlier record when there is one."""
    link = f",并关联原学籍号{previous_student_number}" if previous_student_number else ""
    return IntakeAdvice(
        new_record=True,
        chapter="第三章",
        article=A30,
        link_to=previous_student_number,
        message=f"出国定居后回国或新移民入学的学生,按第三章重新办理入学注册、新建学籍{link}({A30})",
    )


def check_returning_intake(*, reuse_old_record: bool) -> list[Violation]:
    """Refuse reopening a withdrawn emigrant's old record: the intake builds a new one (第三十条)."""
    if not reuse_old_record:
        return []
    return [
        Violation(
            "returning_needs_new_record",
            f"出国定居后回国的学生不能恢复原退学学籍,须按第三章新建学籍并关联原学籍({A30})",
            A30,
            "student",
        )
    ]
