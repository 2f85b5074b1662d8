"""Allowed reasons and their proofs as data (第十七–三十三条, 第四十一条)."""

from xueji.policy.changes import reasons
from xueji.policy.violations import ERROR


def test_every_reason_cites_an_article_and_only_known_proof_kinds():
    tables = (
        reasons.TRANSFER_REASONS,
        reasons.SUSPENSION_REASONS,
        reasons.VISITING_REASONS,
        reasons.WITHDRAWAL_COMPULSORY_GROUNDS,
        reasons.WITHDRAWAL_SENIOR_GROUNDS,
        reasons.AUTO_WITHDRAWAL_GROUNDS,
        reasons.LEAVE_REASONS,
    )
    singles = (reasons.EXTENSION_PROOFS, reasons.DEATH, reasons.DROPOUT)
    for reason in [r for table in tables for r in table.values()] + list(singles):
        assert reason.article.startswith("第") and reason.article.endswith("条"), reason
        assert set(reason.proofs) | set(reason.any_of) <= set(reasons.PROOF_KIND), reason
    common = (
        reasons.TRANSFER_COMMON_PROOFS
        + reasons.SUSPENSION_COMMON_PROOFS
        + reasons.VISITING_COMMON_PROOFS
        + reasons.WITHDRAWAL_COMMON_PROOFS
    )
    assert set(common) <= set(reasons.PROOF_KIND)


def test_the_lists_of_the_regulation():
    assert {code: r.article for code, r in reasons.TRANSFER_REASONS.items()} == {
        "family_move": "第十七条",
        "work_move": "第十七条",
        "senior_to_vocational": "第十九条",
        "special_education": "第二十一条",
        "work_study": "第二十一条",
    }
    assert list(reasons.SUSPENSION_REASONS) == ["illness", "long_leave", "force_majeure"]
    assert len(reasons.VISITING_REASONS) == 10
    assert list(reasons.WITHDRAWAL_COMPULSORY_GROUNDS) == ["loss_of_ability", "settle_abroad"]
    assert list(reasons.WITHDRAWAL_SENIOR_GROUNDS) == [
        "incurable_illness",
        "accident_disability",
        "settle_abroad",
        "judicial",
    ]
    assert reasons.SUSPENSION_REASONS["illness"].proofs == ("medical_county",)
    assert reasons.SUSPENSION_REASONS["force_majeure"].proofs == ("force_majeure_proof",)
    assert reasons.WITHDRAWAL_SENIOR_GROUNDS["accident_disability"].proofs == ("medical_2a",)
    assert reasons.WITHDRAWAL_COMPULSORY_GROUNDS["settle_abroad"].proofs == ("passport_copy", "hukou_copy")


def test_labels_have_the_code_table_shape():
    assert reasons.labels(reasons.SUSPENSION_REASONS)["force_majeure"] == "本人其他不可抗拒原因确需休学"


def test_check_reason_lists_the_allowed_ones_when_refusing():
    found, problems = reasons.check_reason(
        reasons.TRANSFER_REASONS, "family_move", code="x", article="第十七条", what="转学理由"
    )
    assert found is reasons.TRANSFER_REASONS["family_move"] and problems == []
    found, [problem] = reasons.check_reason(
        reasons.TRANSFER_REASONS, "择校", code="x", article="第十七条", what="转学理由"
    )
    assert found is None and problem.article == "第十七条" and "进入工读学校就读" in problem.message


def test_check_proofs_all_required_and_any_of():
    extension = reasons.EXTENSION_PROOFS
    assert reasons.check_proofs(extension, ["suspension_form", "other_proof"], code="p") == []
    found = reasons.check_proofs(extension, [], code="p")
    assert [v.field for v in found] == ["evidence.suspension_form", "evidence.medical_county"]
    assert all(v.severity == ERROR and v.article == "第二十四条" for v in found)
    assert "县级以上医疗单位出具的检查证明或" in found[1].message
    [form] = reasons.check_proofs(
        reasons.DEATH, ["death_proof"], code="p", common=("withdrawal_form",), article="第三十条"
    )
    assert form.field == "evidence.withdrawal_form" and form.article == "第三十条"
