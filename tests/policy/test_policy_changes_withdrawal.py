"""退学 (第二十八–三十一条): grounds and proof per stage, truancy, automatic withdrawal, returning emigrants."""

import dataclasses
import datetime as dt

import pytest

from tests.policy.rule_cases import case, check_case, check_coverage
from xueji.policy.changes import withdrawal
from xueji.policy.changes.common import StudentFacts
from xueji.policy.violations import WARNING

A28, A29, A30, A31, A41 = "第二十八条", "第二十九条", "第三十条", "第三十一条", "第四十一条"
SUSPENDED_TWO_YEARS = [(dt.date(2024, 9, 1), dt.date(2025, 9, 1)), (dt.date(2025, 9, 1), dt.date(2026, 9, 1))]


def compulsory(student=None, **kw):
    args = {
        "ground": "settle_abroad",
        "proofs": ("withdrawal_form", "passport_copy", "hukou_copy"),
        "township_approved": True,
    } | kw
    return withdrawal.check_withdrawal(dataclasses.replace(StudentFacts(grade=5), **(student or {})), **args)


def senior(student=None, **kw):
    args = {"ground": "accident_disability", "proofs": ("withdrawal_form", "medical_2a")} | kw
    return withdrawal.check_withdrawal(dataclasses.replace(StudentFacts(grade=11), **(student or {})), **args)


def judicial(outcome, **student):
    return senior(
        student=student,
        ground="judicial",
        proofs=("withdrawal_form", "judicial_document"),
        judicial_outcome=outcome,
    )


def auto(student=None, **kw):
    args = {"ground": "truancy", "proofs": ("family_contact_record",), "truancy_runs": [9]} | kw
    return withdrawal.check_auto_withdrawal(
        dataclasses.replace(StudentFacts(grade=11), **(student or {})), **args
    )


def expired(today):
    return auto(
        student={"status": "休学"},
        ground="suspension_expired",
        truancy_runs=None,
        today=today,
        suspension_end=dt.date(2026, 9, 1),
    )


CASES = [
    case(
        "withdrawal_not_active",
        A30,
        lambda: senior(student={"status": "休学"}),
        lambda: senior(student={"status": "辍学"}),
    ),
    case(
        "withdrawal_compulsory_ground",
        A28,
        lambda: compulsory(ground="loss_of_ability", proofs=("withdrawal_form", "medical_county")),
        lambda: compulsory(ground="accident_disability"),
    ),
    case(
        "withdrawal_township_approval", A28, lambda: compulsory(), lambda: compulsory(township_approved=False)
    ),
    case("withdrawal_senior_ground", A29, lambda: senior(), lambda: senior(ground="厌学")),
    case(
        "withdrawal_illness_not_two_years",
        A29,
        lambda: senior(
            ground="incurable_illness",
            proofs=("withdrawal_form", "medical_county"),
            suspension_periods=SUSPENDED_TWO_YEARS,
        ),
        lambda: senior(
            ground="incurable_illness",
            proofs=("withdrawal_form", "medical_county"),
            suspension_periods=SUSPENDED_TWO_YEARS[:1],
        ),
    ),
    case(
        "withdrawal_judicial_not_decided",
        A29,
        lambda: judicial("custodial_sentence", minor=False),
        lambda: judicial("criminal_measure", minor=False),
    ),
    case(
        "withdrawal_minor_under_measures",
        A41,
        lambda: judicial("education_measure"),
        lambda: judicial("criminal_measure"),
    ),
    case(
        "withdrawal_non_custodial",
        A41,
        lambda: judicial("custodial_sentence"),
        lambda: judicial("non_custodial"),
        WARNING,
    ),
    case(
        "withdrawal_proof_missing",
        A28,
        lambda: compulsory(),
        lambda: compulsory(proofs=("withdrawal_form", "passport_copy")),
    ),
    case(
        "withdrawal_proof_missing",
        A29,
        lambda: senior(),
        lambda: senior(proofs=("withdrawal_form", "medical_county")),
    ),
    case("withdrawal_form_missing", A30, lambda: senior(), lambda: senior(proofs=("medical_2a",))),
    case("auto_withdrawal_compulsory", A31, lambda: auto(), lambda: auto(student={"grade": 8})),
    case("auto_withdrawal_ground", A31, lambda: auto(), lambda: auto(ground="成绩差")),
    case("auto_withdrawal_status", A31, lambda: auto(), lambda: auto(student={"status": "休学"})),
    case(
        "auto_withdrawal_truancy_below", A31, lambda: auto(truancy_runs=[9]), lambda: auto(truancy_runs=[8])
    ),
    case(
        "auto_withdrawal_suspension_not_expired",
        A31,
        lambda: expired(dt.date(2026, 9, 2)),
        lambda: expired(dt.date(2026, 9, 1)),
    ),
    case("auto_withdrawal_proof_missing", A31, lambda: auto(), lambda: auto(proofs=())),
    case(
        "returning_needs_new_record",
        A30,
        lambda: withdrawal.check_returning_intake(reuse_old_record=False),
        lambda: withdrawal.check_returning_intake(reuse_old_record=True),
    ),
]


@pytest.mark.parametrize(("code", "article", "allowed", "refused", "severity"), CASES)
def test_rule_allows_and_refuses_naming_its_article(code, article, allowed, refused, severity):
    check_case(code, article, allowed, refused, severity)


def test_every_rule_has_both_cases():
    check_coverage(CASES, withdrawal.RULES)


def test_compulsory_withdrawal_for_another_reason_says_it_is_not_allowed():
    found = compulsory(ground="出国旅游")
    assert (
        found[0].code == "withdrawal_compulsory_ground" and "义务教育阶段不允许学生退学" in found[0].message
    )


def test_each_senior_ground_with_its_proof_is_accepted():
    assert senior(ground="settle_abroad", proofs=("withdrawal_form", "passport_copy", "hukou_copy")) == []
    assert judicial("education_measure") == []
    # A secondary-A hospital is needed for an accident; a county hospital is not enough.
    [missing] = senior(proofs=("withdrawal_form", "medical_county"))
    assert "二级甲等以上医疗单位" in missing.message


@pytest.mark.parametrize(
    ("data", "met"),
    [
        ({"runs": [8]}, False),  # 超过8周: eight is not more than eight
        ({"runs": [8.5]}, True),
        ({"runs": [9]}, True),
        ({"runs": [5, 4]}, False),  # nine in all, none more than eight in a row
        ({"runs": [5, 5]}, True),  # 累计10周及以上: ten is enough
        ({"weeks": [1, 2, 3, 4, 5, 6, 7, 8]}, False),
        ({"weeks": [3, 4, 5, 6, 7, 8, 9, 10, 11]}, True),
        ({"weeks": [1, 3, 5, 7, 9, 11, 13, 15, 17]}, False),
        ({"weeks": [1, 3, 5, 7, 9, 11, 13, 15, 17, 19]}, True),
        ({"weeks": [2, 2, 3]}, False),  # a week listed twice counts once
    ],
)
def test_truancy_thresholds(data, met):
    assert withdrawal.truancy_finding(**data).met is met


def test_truancy_finding_details_and_input():
    finding = withdrawal.truancy_finding(weeks=[1, 2, 3, 10, 11])
    assert (finding.longest_run, finding.total, finding.consecutive_met, finding.total_met) == (
        3,
        5,
        False,
        False,
    )
    with pytest.raises(ValueError):
        withdrawal.truancy_finding()
    with pytest.raises(ValueError):
        withdrawal.truancy_finding(runs=[1], weeks=[1])
    assert auto(truancy_runs=None, truancy_weeks=list(range(1, 10))) == []


def test_an_extended_or_resumed_suspension_is_no_ground():
    found = auto(
        student={"status": "休学"},
        ground="suspension_expired",
        truancy_runs=None,
        today=dt.date(2026, 10, 1),
        suspension_end=dt.date(2026, 9, 1),
        extended=True,
    )
    assert [v.code for v in found] == ["auto_withdrawal_suspension_not_expired"]


def test_chains():
    assert [s.org for s in withdrawal.withdrawal_steps(5)] == ["school", "school", "township", "county"]
    assert [s.org for s in withdrawal.withdrawal_steps(11)] == ["school", "school", "authority"]
    assert [s.org for s in withdrawal.auto_withdrawal_steps()] == ["school", "school", "county", "city"]


def test_returning_emigrants_get_a_new_record_linked_to_the_old():
    advice = withdrawal.returning_intake("G140105201001010011")
    assert advice.new_record and advice.chapter == "第三章" and advice.article == A30
    assert advice.link_to == "G140105201001010011" and "G140105201001010011" in advice.message
    assert withdrawal.returning_intake().link_to is None
