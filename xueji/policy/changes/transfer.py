"""转学 (第十七–二十二条): who may transfer, where to, when, with what proof, and the chain's time limits.

check_transfer() answers one application with every rule it breaks. The reason decides which rules apply:

- family_move / work_move (第十七条): the 户籍 or the workplace crossed a province, city or county boundary
  (from_division → to_division, 6-digit codes); a move between two urban districts of one city
  (同城区内迁移) does not count; the new school stands in the new division.
- senior_to_vocational (第十九条): a 普通高中 student to a 中等职业学校 anywhere in the province.
- special_education (第二十一条): 特教学校 ↔ 普通学校随班就读; the record may move or stay (record_moves).
- work_study (第二十一条): into a 工读学校; the record moves or stays as the original school and the guardian agree.

The 第二十条 limits (same level and grade, not mid-term, not the graduating year, not while suspended or under
discipline, the high-school bans) apply to every reason, except that the 第二十一条 placements follow the
child's needs: they are not held to the term calendar or the graduating year, and a 工读 placement is not
barred by a discipline measure (it is often its cause).

"同一城市区域" (第二十条) is read as: both schools in the urban districts (市辖区) of the same city.
"一般普通高中不能转入省级示范高中" is read as: a school that is not a 省级示范高中 cannot send students to one.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from xueji.policy import codes
from xueji.policy.changes import reasons
from xueji.policy.changes.common import (
    ChainStep,
    SchoolFacts,
    StudentFacts,
    add_months,
    division_level,
    grade_label,
    same_city_area,
    stage_label,
    student_graduating,
    within_division,
)
from xueji.policy.changes.transitions import ENROLLED
from xueji.policy.province import ProvincePolicy, get_policy
from xueji.policy.violations import WARNING, Violation

A14, A17, A18, A19 = "第十四条", "第十七条", "第十八条", "第十九条"
A20, A21, A22 = "第二十条", "第二十一条", "第二十二条"
MOVE_REASONS = ("family_move", "work_move")
PLACEMENT_REASONS = ("special_education", "work_study")  # 第二十一条

RULES: dict[str, tuple[str, ...]] = {
    "transfer_not_enrolled": (A17,),
    "transfer_while_suspended": (A20,),
    "transfer_under_discipline": (A20,),
    "transfer_reason_not_allowed": (A17,),
    "transfer_division_missing": (A17,),
    "transfer_no_boundary_crossed": (A17,),
    "transfer_same_city_urban_move": (A17,),
    "transfer_destination_outside_new_home": (A17,),
    "transfer_vocational_reason_mismatch": (A19,),
    "transfer_vocational_outside_province": (A19,),
    "transfer_special_education_mismatch": (A21,),
    "transfer_special_education_not_disabled": (A21,),
    "transfer_work_study_destination": (A21,),
    "transfer_record_must_move": (A14,),
    "transfer_grade_changed": (A20,),
    "transfer_level_changed": (A20,),
    "transfer_mid_term": (A20,),
    "transfer_graduating_year": (A20,),
    "transfer_into_provincial_model": (A20,),
    "transfer_private_to_public": (A20,),
    "transfer_private_to_public_arranged": (A20,),  # warning
    "transfer_same_city_area": (A20,),
    "transfer_vocational_to_general": (A20,),
    "transfer_between_vocational": (A20,),
    "transfer_proof_missing": (A18,),
    "transfer_cross_province": (A18,),  # warning
    "transfer_step_overdue": (A22,),  # warning
    "transfer_archive_overdue": (A22,),  # warning
}


def check_transfer(
    student: StudentFacts,
    source: SchoolFacts,
    destination: SchoolFacts,
    *,
    reason: str,
    proofs: Iterable[str] = (),
    to_grade: int | None = None,
    mid_term: bool = False,
    exception_granted: bool = False,
    from_division: str = "",
    to_division: str = "",
    destination_has_private_high_school: bool = True,
    record_moves: bool = True,
    sat_proficiency_exam: bool = False,
    policy: ProvincePolicy | None = None,
) -> list[Violation]:
    """Every rule of 第十七–二十一条 the application breaks (errors) plus the flags it raises (warnings).

    to_grade is the grade asked for at the new school (None: the same grade). mid_term and exception_granted
    come from the term calendar and the authority. proofs are PROOF_KIND codes of the attached evidence.
    """
    policy = policy or get_policy()
    to_grade = student.grade if to_grade is None else to_grade
    found = _status(student, reason)
    found += _reason(student, source, destination, reason, from_division, to_division, record_moves, policy)
    found += _grade_and_level(student, destination, to_grade, policy)
    if reason not in PLACEMENT_REASONS:
        found += _timing(student, source, mid_term, exception_granted, policy)
    found += _school_kinds(student, source, destination, destination_has_private_high_school, policy)
    found += _proofs(reason, proofs, sat_proficiency_exam)
    if (
        source.province_code
        and destination.province_code
        and source.province_code != destination.province_code
    ):
        found.append(
            Violation(
                "transfer_cross_province",
                f"跨省转学还须符合{'转入' if destination.province_code != policy.code else '转出'}省份的学籍管理规定({A18})",
                A18,
                "destination",
                WARNING,
            )
        )
    return found


def _status(student: StudentFacts, reason: str) -> list[Violation]:
    if student.is_suspended:
        return [
            Violation("transfer_while_suspended", f"学生休学期间不予转学,请先办理复学({A20})", A20, "student")
        ]
    found = []
    if student.status != ENROLLED:
        found.append(
            Violation(
                "transfer_not_enrolled",
                f"只有在籍学生可以转学,该学生学籍状态为“{student.status}”({A17})",
                A17,
                "student",
            )
        )
    if student.under_discipline and reason != "work_study":
        found.append(
            Violation(
                "transfer_under_discipline", f"学生受处分期间不予转学,处分解除后再申请({A20})", A20, "student"
            )
        )
    return found


def _reason(student, source, destination, reason, from_division, to_division, record_moves, policy):
    known, found = reasons.check_reason(
        reasons.TRANSFER_REASONS, reason, code="transfer_reason_not_allowed", article=A17, what="转学理由"
    )
    if known is None:
        return found
    if reason in MOVE_REASONS:
        found += _moved(reason, destination, from_division, to_division)
    elif reason == "senior_to_vocational":
        found += _to_vocational(student, source, destination, policy)
    elif reason == "special_education":
        found += _special_education(student, source, destination)
    elif reason == "work_study" and not destination.is_work_study:
        found.append(
            Violation(
                "transfer_work_study_destination",
                f"“进入工读学校就读”的转入学校须为工读学校({A21})",
                A21,
                "destination",
            )
        )
    if not record_moves and reason not in PLACEMENT_REASONS:
        found.append(
            Violation(
                "transfer_record_must_move",
                f"学籍随人走:只有特教学校与普通学校之间、进入工读学校的情形学籍可留在原学校(第二十一条),"
                f"其他转学学籍须转入新学校({A14})",
                A14,
                "record_moves",
            )
        )
    return found


def _moved(reason: str, destination: SchoolFacts, from_division: str, to_division: str) -> list[Violation]:
    what = "户籍" if reason == "family_move" else "务工地"
    if not (from_division and to_division):
        return [
            Violation(
                "transfer_division_missing",
                f"请填写迁移前后{what}所在的县级行政区划代码,以核实是否跨省、市、县迁移({A17})",
                A17,
                "to_division",
            )
        ]
    if from_division[:2] == to_division[:2] and _same_county(from_division, to_division):
        return [
            Violation(
                "transfer_no_boundary_crossed",
                f"{what}未跨省、市、县变化,不符合转学条件({A17})",
                A17,
                "to_division",
            )
        ]
    found = []
    if same_city_area(from_division, to_division):
        found.append(
            Violation(
                "transfer_same_city_urban_move",
                f"同一城市的市辖区之间迁移属同城区内迁移,不能据此转学({A17})",
                A17,
                "to_division",
            )
        )
    if destination.county_code and not within_division(destination.county_code, to_division):
        found.append(
            Violation(
                "transfer_destination_outside_new_home",
                f"只能转入迁入后{what}所在地的学校({A17})",
                A17,
                "destination",
            )
        )
    return found


def _same_county(code_a: str, code_b: str) -> bool:
    # Codes of one province. A code given only down to the city (or the province) cannot prove that a county
    # boundary was crossed inside it, so it counts as the same place.
    levels = {division_level(code_a), division_level(code_b)}
    if levels == {"county"}:
        return code_a == code_b
    if "province" in levels:
        return True
    return code_a[:4] == code_b[:4]


def _to_vocational(student, source, destination, policy) -> list[Violation]:
    found = []
    if not (destination.vocational and source.is_general_high_school_for(student.grade, policy)):
        found.append(
            Violation(
                "transfer_vocational_reason_mismatch",
                f"“转入中等职业学校”只适用于普通高中学生转入中等职业学校({A19})",
                A19,
                "destination",
            )
        )
    elif (
        destination.province_code
        and source.province_code
        and destination.province_code != source.province_code
    ):
        found.append(
            Violation(
                "transfer_vocational_outside_province",
                f"普通高中学生转入中等职业学校限在全省范围内({A19}),跨省请按迁移理由办理",
                A19,
                "destination",
            )
        )
    return found


def _special_education(student, source, destination) -> list[Violation]:
    one_side_special = (source.is_special and destination.is_ordinary) or (
        source.is_ordinary and destination.is_special
    )
    if not one_side_special:
        return [
            Violation(
                "transfer_special_education_mismatch",
                f"该理由只适用于特教学校学生转入普通学校随班就读,或随班就读残疾学生转入特教学校({A21})",
                A21,
                "destination",
            )
        ]
    if destination.is_special and not student.disabled:
        return [
            Violation(
                "transfer_special_education_not_disabled",
                f"普通学校学生转入特教学校须为随班就读的残疾学生({A21})",
                A21,
                "student",
            )
        ]
    return []


def _grade_and_level(student, destination, to_grade, policy) -> list[Violation]:
    found = []
    if to_grade != student.grade:
        found.append(
            Violation(
                "transfer_grade_changed",
                f"转学不得变更就读年级:应转入{grade_label(student.grade)},不能转入{grade_label(to_grade)}({A20})",
                A20,
                "to_grade",
            )
        )
    if not destination.teaches(student.grade, policy):
        found.append(
            Violation(
                "transfer_level_changed",
                f"转学执行同级互转:转入学校没有{stage_label(student.grade, policy)}{grade_label(student.grade)}({A20})",
                A20,
                "destination",
            )
        )
    return found


def _timing(student, source, mid_term, exception_granted, policy) -> list[Violation]:
    found = []
    if mid_term and not exception_granted:
        found.append(
            Violation(
                "transfer_mid_term",
                f"原则上学期中不能转学,确有特殊情况须经教育行政部门同意({A20})",
                A20,
                "mid_term",
            )
        )
    if student_graduating(student, source, policy):
        found.append(
            Violation(
                "transfer_graduating_year",
                f"毕业年级({grade_label(student.grade)})不能转学({A20})",
                A20,
                "student",
            )
        )
    return found


def _school_kinds(student, source, destination, destination_has_private, policy) -> list[Violation]:
    if source.vocational:
        if destination.vocational:
            return [
                Violation(
                    "transfer_between_vocational",
                    f"中等职业学校之间的转学不在本系统办理,中职学生也不能转入普通中小学({A20})",
                    A20,
                    "source",
                )
            ]
        return [
            Violation(
                "transfer_vocational_to_general",
                f"普通高中不得接收中等职业学校({'、'.join(codes.VOCATIONAL_SCHOOL_KINDS)})学生转入({A20})",
                A20,
                "destination",
            )
        ]
    if not (
        destination.is_general_high_school_for(student.grade, policy)
        and source.is_general_high_school_for(student.grade, policy)
    ):
        return []
    found = []
    if destination.provincial_model and not source.provincial_model:
        found.append(
            Violation(
                "transfer_into_provincial_model",
                f"一般普通高中学生不能转入省级示范高中({A20})",
                A20,
                "destination",
            )
        )
    if source.is_private and not destination.is_private:
        if destination_has_private:
            found.append(
                Violation(
                    "transfer_private_to_public",
                    f"民办高中学生不能转入公办高中,请选择转入地的民办高中({A20})",
                    A20,
                    "destination",
                )
            )
        else:
            found.append(
                Violation(
                    "transfer_private_to_public_arranged",
                    f"转入地没有民办高中,由教育部门统筹安排转入公办高中({A20})",
                    A20,
                    "destination",
                    WARNING,
                )
            )
    if (
        source.city_code
        and source.city_code == destination.city_code
        and source.city_district
        and destination.city_district
    ):
        found.append(
            Violation(
                "transfer_same_city_area",
                f"同一城市区域(同一市的市辖区内)的普通高中之间不能转学({A20})",
                A20,
                "destination",
            )
        )
    return found


def _proofs(reason: str, proofs: Iterable[str], sat_proficiency_exam: bool) -> list[Violation]:
    known = reasons.TRANSFER_REASONS.get(reason)
    if known is None:
        return []
    common = reasons.TRANSFER_COMMON_PROOFS + (("proficiency_exam",) if sat_proficiency_exam else ())
    return reasons.check_proofs(known, proofs, code="transfer_proof_missing", article=A18, common=common)


def record_school(source: SchoolFacts, destination: SchoolFacts, *, record_moves: bool = True) -> str:
    """The school that keeps the record after the transfer (第十四条 籍随人走; 第二十一条 may keep it home)."""
    return destination.code if record_moves else source.code


# ---------------------------------------------------------------- the chain and its time limits (第十八、二十二条)


def transfer_steps(policy: ProvincePolicy | None = None) -> tuple[ChainStep, ...]:
    """Started at the receiving school with the stamped 附件8; each later step within N working days."""
    days = (policy or get_policy()).transfer_step_working_days
    return (
        ChainStep(
            "receiving_school",
            "registrar",
            "转入学校受理申请,上传盖章的转学申请表(附件8)及证明材料",
            None,
            "submit",
        ),
        ChainStep("receiving_school", "leader", "转入学校负责人审签", days),
        ChainStep("receiving_authority", "authority", "转入学校学籍主管部门审批", days),
        ChainStep("sending_school", "leader", "转出学校负责人审签", days),
        ChainStep("sending_authority", "authority", "转出学校学籍主管部门审批", days),
    )


def check_step_time(working_days_taken: int, *, policy: ProvincePolicy | None = None) -> list[Violation]:
    """Flag a step that took longer than its working days (第二十二条); it is still decided."""
    limit = (policy or get_policy()).transfer_step_working_days
    if working_days_taken <= limit:
        return []
    return [
        Violation(
            "transfer_step_overdue",
            f"学籍转接每一环节应在{limit}个工作日内完成,本环节已用{working_days_taken}个工作日({A22})",
            A22,
            "step",
            WARNING,
        )
    ]


def archive_handover_due(
    completed_on: datetime.date, *, policy: ProvincePolicy | None = None
) -> datetime.date:
    """The last day for the sending school to hand over the archive: one month after the transfer (第二十二条)."""
    return add_months(completed_on, (policy or get_policy()).archive_handover_months)


def check_archive_handover(
    completed_on: datetime.date,
    *,
    today: datetime.date,
    handed_over_on: datetime.date | None = None,
    policy: ProvincePolicy | None = None,
) -> list[Violation]:
    """Flag an archive not handed over within the month (第二十二条)."""
    due = archive_handover_due(completed_on, policy=policy)
    if (handed_over_on or today) <= due:
        return []
    return [
        Violation(
            "transfer_archive_overdue",
            f"转出学校应在{due:%Y年%m月%d日}前转出学籍档案并办结,已逾期({A22})",
            A22,
            "archive",
            WARNING,
        )
    ]


def check_archive_receipt(*, sent: bool, sender_in_registry: bool) -> list[Violation]:
    """第二十二条: the sending school hands the archive over ("转出学校应及时转出学籍档案"); the receiving school can
    confirm receipt only of an archive the sender has marked sent. A sender outside the registry (another province,
    a 中等职业学校) marks nothing here, so its archive may be received at once."""
    if sent or not sender_in_registry:
        return []
    return [
        Violation(
            "archive_not_sent",
            f"转出学校尚未确认寄出学籍档案,转入学校不能确认接收;请待转出学校寄出后再确认({A22})",
            A22,
            "received_at",
        )
    ]
