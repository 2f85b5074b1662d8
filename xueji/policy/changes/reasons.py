"""Allowed reasons of every status change and the proof each needs, as data.

A Reason says what it is (code, Chinese label), which article allows it, which proofs must all be attached
(``proofs``) and of which at least one must be (``any_of``). check_proofs() turns a missing proof into a
violation naming the article that asks for it. Proof kinds are codes of PROOF_KIND, so an evidence upload
can carry its kind and the service can pass the kinds it holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from xueji.policy.violations import Violation

PROOF_KIND: dict[str, str] = {
    # 第十八条 transfer
    "transfer_form": "《山西省中小学生转学申请表》(附件8)盖章扫描件",
    "hukou_transfer": "户籍迁移证明",
    "work_change": "家长务工地变化或工作调动证明",
    "proficiency_exam": "省级普通高中学业水平考试证明",
    "vocational_admission": "中等职业学校同意接收的证明",
    "work_study_agreement": "原学校与学生父母或监护人商定学籍去留的书面意见",
    # 第二十四条 suspension and extension
    "suspension_form": "《山西省中小学生休学、复学申请表》(附件7)及监护人书面申请",
    "medical_county": "县级以上医疗单位出具的检查证明",
    "leave_record": "学校出具的本学期请假记录",
    "force_majeure_proof": "县级以上公安或民政、劳动等有关部门出具的证明",
    "other_proof": "其他相关证明",
    # 第二十六条 visiting study
    "visiting_form": "《山西省中小学生借读申请表》(附件9)",
    "guardian_unit_proof": "监护人所在单位证明",
    "home_school_proof": "原学校证明",
    "relative_hukou": "借读所在地亲属户籍证明",
    "basic_info_copy": "原学校学籍基础信息表复印件",
    "family_identity_proof": "家庭身份证明(烈士证明书、华侨或归侨证明、港澳台居民证件、外国专家证等)",
    # 第二十八–三十一条 withdrawal
    "withdrawal_form": "《山西省中小学生退学申请表》(附件10)",
    "township_approval": "乡镇(街道)人民政府批准退学的文件",
    "passport_copy": "学生本人护照复印件",
    "hukou_copy": "《居民户口簿》复印件",
    "medical_2a": "二级甲等以上医疗单位证明",
    "judicial_document": "司法机关的判决书或强制性教育措施决定书",
    "family_contact_record": "学校与家长多次联系、帮助教育的记录",
    # 第三十二条 death, 第三十三条 dropout
    "death_proof": "死亡证明(医院或公安机关出具)",
    "dropout_report": "辍学情况书面报告",
}


@dataclass(frozen=True)
class Reason:
    code: str
    label: str
    article: str
    proofs: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()


def _table(*reasons: Reason) -> Mapping[str, Reason]:
    return MappingProxyType({reason.code: reason for reason in reasons})


# ---------------------------------------------------------------- 转学 第十七–二十一条

TRANSFER_REASONS = _table(
    Reason("family_move", "家庭居住地跨省、市、县迁移且户籍已迁入居住地", "第十七条", ("hukou_transfer",)),
    Reason("work_move", "外来务工人员务工地跨省、市、县发生变化", "第十七条", ("work_change",)),
    Reason("senior_to_vocational", "普通高中学生转入中等职业学校", "第十九条", ("vocational_admission",)),
    Reason("special_education", "特教学校与普通学校随班就读之间转学", "第二十一条"),
    Reason("work_study", "进入工读学校就读", "第二十一条", ("work_study_agreement",)),
)
# Every transfer carries the stamped form (第十八条) whatever its reason.
TRANSFER_COMMON_PROOFS = ("transfer_form",)

# ---------------------------------------------------------------- 休学 第二十三–二十四条

SUSPENSION_REASONS = _table(
    Reason(
        "illness", "因病经诊断需停课治疗休养占一学期总学时三分之一以上", "第二十三条", ("medical_county",)
    ),
    Reason("long_leave", "一学期内连续请假超过总学时三分之一仍不能到校", "第二十三条", ("leave_record",)),
    Reason("force_majeure", "本人其他不可抗拒原因确需休学", "第二十三条", ("force_majeure_proof",)),
)
SUSPENSION_COMMON_PROOFS = ("suspension_form",)
# 第二十四条: an extension needs a 县级以上医院 diagnosis or another relevant proof.
EXTENSION_PROOFS = Reason(
    "extension",
    "休学期满仍不能复学,申请延长休学",
    "第二十四条",
    ("suspension_form",),
    ("medical_county", "force_majeure_proof", "other_proof"),
)

# ---------------------------------------------------------------- 借读 第二十五–二十六条

_UNIT = ("guardian_unit_proof",)
_IDENTITY = ("family_identity_proof",)
VISITING_REASONS = _table(
    Reason("parents_abroad", "父母双方出国工作一年以上", "第二十五条", _UNIT),
    Reason("parents_field_work", "父母双方长期从事野外工作或流动性工作", "第二十五条", _UNIT),
    Reason("parents_frontier", "父母双方支援边疆建设且在当地就读有困难", "第二十五条", _UNIT),
    Reason("border_troops_child", "解放军边防指战员子女", "第二十五条", _UNIT),
    Reason("martyr_child", "烈士子女", "第二十五条", _IDENTITY),
    Reason("overseas_chinese_child", "华侨子女", "第二十五条", _IDENTITY),
    Reason("returned_overseas_child", "归侨子女", "第二十五条", _IDENTITY),
    Reason("hk_macao_child", "港澳同胞子女", "第二十五条", _IDENTITY),
    Reason("taiwan_child", "台湾同胞子女", "第二十五条", _IDENTITY),
    Reason("foreign_expert_child", "在我省工作的外籍专家子女", "第二十五条", _IDENTITY),
)
# 第二十六条: what every visiting application carries besides the reason's own proof.
VISITING_COMMON_PROOFS = ("visiting_form", "home_school_proof", "relative_hukou", "basic_info_copy")

# ---------------------------------------------------------------- 退学 第二十八–三十一条

WITHDRAWAL_COMPULSORY_GROUNDS = _table(
    Reason("loss_of_ability", "因病因故丧失学习能力", "第二十八条", ("medical_county",)),
    Reason("settle_abroad", "出国出境定居", "第二十八条", ("passport_copy", "hukou_copy")),
)
WITHDRAWAL_SENIOR_GROUNDS = _table(
    Reason(
        "incurable_illness",
        "患不能治愈的重症或严重传染病已休学两年,不能坚持或不宜继续在校学习",
        "第二十九条",
        ("medical_county",),
    ),
    Reason(
        "accident_disability", "意外伤害事故导致严重智力障碍或生活不能自理", "第二十九条", ("medical_2a",)
    ),
    Reason("settle_abroad", "出国定居", "第二十九条", ("passport_copy", "hukou_copy")),
    Reason(
        "judicial",
        "经司法部门判刑或被采取强制性教育措施等特殊原因要求退学",
        "第二十九条",
        ("judicial_document",),
    ),
)
WITHDRAWAL_COMMON_PROOFS = ("withdrawal_form",)  # 第三十条
AUTO_WITHDRAWAL_GROUNDS = _table(
    Reason(
        "truancy",
        "一学期内连续无故旷课超过8周或累计旷课10周及以上,帮助教育无效",
        "第三十一条",
        ("family_contact_record",),
    ),
    Reason(
        "suspension_expired",
        "休学期满仍未复学且未按期办理继续休学手续",
        "第三十一条",
        ("family_contact_record",),
    ),
)

# ---------------------------------------------------------------- 死亡、辍学、离校 第三十二、三十三、四十一条

DEATH = Reason("death", "学生死亡", "第三十二条", ("death_proof",))
DROPOUT = Reason("dropout", "义务教育阶段学生辍学", "第三十三条", ("dropout_report",))
LEAVE_REASONS = _table(
    Reason("missing", "失踪", "第四十一条"),
    Reason("detained", "被刑事拘留或采取其他刑事强制措施", "第四十一条"),
    Reason("education_measure", "被收容教养等强制性教育措施", "第四十一条"),
)


def labels(table: Mapping[str, Reason]) -> dict[str, str]:
    """code -> Chinese label, the shape of the other code tables (codes.py)."""
    return {code: reason.label for code, reason in table.items()}


def check_reason(
    table: Mapping[str, Reason], reason: str, *, code: str, article: str, what: str, field: str = "reason"
) -> tuple[Reason | None, list[Violation]]:
    """The Reason for a code, or a violation listing the allowed ones."""
    found = table.get(reason)
    if found is not None:
        return found, []
    allowed = "、".join(item.label for item in table.values())
    message = f"{what}只限以下情形({article}):{allowed}"
    return None, [Violation(code, message, article, field)]


def check_proofs(
    reason: Reason,
    provided: Iterable[str],
    *,
    code: str,
    article: str | None = None,
    common: tuple[str, ...] = (),
) -> list[Violation]:
    """A violation for every required proof that is missing: the change's common proofs, the reason's own,
    then its any-of group. article defaults to the reason's; field is "evidence.<kind>"."""
    article = article or reason.article
    have = set(provided)
    found = [
        Violation(code, f"“{reason.label}”须提交{PROOF_KIND[kind]}({article})", article, f"evidence.{kind}")
        for kind in (*common, *reason.proofs)
        if kind not in have
    ]
    if reason.any_of and not have.intersection(reason.any_of):
        options = "或".join(PROOF_KIND[kind] for kind in reason.any_of)
        found.append(
            Violation(
                code, f"“{reason.label}”须提交{options}({article})", article, f"evidence.{reason.any_of[0]}"
            )
        )
    return found
