"""Chapter 8's certificates a school issues itself (第三十七条 结业、肄业) and the 学历证明 that stands in for a lost
certificate (第三十八条). Pure rules over plain facts; the certificates app gathers the facts and applies them."""

from __future__ import annotations

from dataclasses import dataclass

from xueji.policy.province import SENIOR, ProvincePolicy, get_policy
from xueji.policy.violations import Violation

A35, A37, A38 = "第三十五条", "第三十七条", "第三十八条"
# What a 学历证明 may prove: a certificate of the end of a stage, never another 学历证明.
PROVABLE_KINDS = ("毕业", "结业", "肄业")


@dataclass(frozen=True)
class ProofFacts:
    """The certificate a 学历证明 is asked for, and who asks."""

    original_kind: str | None  # None: no such certificate of this student
    earlier_proofs: int  # 学历证明 already issued for it
    # Who asks: "school" (the graduating school's registrar), "authority" (the certificate's sealing authority,
    # the only one who may record a reason for another) or "other".
    starter: str
    reason: str = ""


def _policy(policy: ProvincePolicy | None) -> ProvincePolicy:
    return policy or get_policy()


def _senior(grade: int, policy: ProvincePolicy) -> bool:
    return policy.stage_of_grade(grade) == SENIOR


def check_completion(grade: int, unmet: list[Violation], *, policy: ProvincePolicy | None = None) -> list[Violation]:
    """结业: a high-school student who completed the years (final grade) without meeting every condition of
    第三十五条 (第三十七条). Meeting them all, he graduates instead."""
    policy = _policy(policy)
    if not _senior(grade, policy):
        return [Violation("completion_not_senior", f"结业证书只发给普通高中学生;小学、初中学生学习期满予以毕业({A37})",
                          A37, "student")]
    last = policy.stage_grades[SENIOR][1]
    if grade != last:
        return [Violation("completion_not_final_grade",
                          f"结业须学习期满(在最后一个年级);未学完离校的学生发给肄业证书({A37})", A37, "student")]
    if not [v for v in unmet if v.is_error]:
        return [Violation("completion_conditions_met",
                          f"该学生已达到全部毕业条件,应办理毕业而不是结业({A35}、{A37})", A37, "student")]
    return []


def check_leaving(grade: int, *, policy: ProvincePolicy | None = None) -> list[Violation]:
    """肄业: a high-school student who leaves before completing his years (第三十七条); the compulsory stages have
    no 肄业 (义务教育阶段学生学习期满予以毕业, 第三十四条)."""
    policy = _policy(policy)
    if not _senior(grade, policy):
        return [Violation("leaving_not_senior",
                          f"肄业证书只发给普通高中学生;小学、初中为义务教育阶段,不发肄业证书({A37})", A37, "student")]
    return []


def check_proof(facts: ProofFacts, *, policy: ProvincePolicy | None = None) -> list[Violation]:
    """学历证明: only for a 毕业、结业 or 肄业 certificate the student holds; once per certificate unless the competent
    authority records why another is needed (第三十八条 原则上只能办理一次)."""
    policy = _policy(policy)
    if facts.original_kind not in PROVABLE_KINDS:
        return [Violation("proof_no_certificate",
                          f"学历证明只为本人已取得的毕业、结业或肄业证书出具,请选择其证书编号({A38})", A38, "certificate")]
    if facts.starter == "other":
        return [Violation("proof_wrong_starter",
                          f"学历证明由毕业学校出具,再次办理由其主管教育行政部门发起({A38})", A38, "certificate")]
    if facts.earlier_proofs < policy.education_proof_limit:
        if facts.starter != "school":
            return [Violation("proof_school_issues", f"学历证明由毕业学校出具,经主管教育行政部门验印后生效({A38})",
                              A38, "certificate")]
        return []
    if facts.starter != "authority":
        return [Violation("proof_once_only",
                          f"该证书已办理过学历证明,学历证明原则上只能办理一次;确需再次办理的,由主管教育行政部门"
                          f"写明理由后办理({A38})", A38, "certificate")]
    if not facts.reason.strip():
        return [Violation("proof_reason_required",
                          f"该证书已办理过学历证明,再次办理须由主管教育行政部门写明理由({A38})", A38, "second_reason")]
    return []


def check_status(status: str, allowed, label: str, article: str) -> list[Violation]:
    """Refused at once, not only at approval, when the transition table does not allow the change from `status`
    (a record that is already 结业、肄业 or 毕业 gets no second certificate of the school)."""
    if status in allowed:
        return []
    return [Violation("status_not_allowed",
                      f"学籍状态为“{status}”的学生不能办理{label},须为“{'、'.join(allowed)}”({article})", article, "status")]
