"""休学、延长休学、复学 (第二十三–二十四条) and the expired suspension (第三十一条)."""

import dataclasses
import datetime as dt

import pytest

from tests.policy.rule_cases import case, check_case, check_coverage
from xueji.policy.changes import suspension
from xueji.policy.changes.common import SchoolFacts, StudentFacts
from xueji.policy.violations import WARNING

A23, A24, A31 = "第二十三条", "第二十四条", "第三十一条"
JUNIOR = SchoolFacts("3114010501", "初级中学", city_code="140100", county_code="140105", city_district=True)
PRIMARY = SchoolFacts("2114010501", "小学", city_code="140100", county_code="140105", city_district=True)
START = dt.date(2025, 9, 1)
ONE_YEAR = dt.date(2026, 9, 1)
TWO_YEARS = dt.date(2027, 9, 1)


def suspend(student=None, **kw):
    args = {
        "reason": "illness",
        "proofs": ("suspension_form", "medical_county"),
        "start": START,
        "end": ONE_YEAR,
        "hours_needed": 120,
        "term_hours": 360,
        "school": JUNIOR,
    } | kw
    return suspension.check_suspension(dataclasses.replace(StudentFacts(grade=8), **(student or {})), **args)


def extend(student=None, **kw):
    args = {
        "periods": [(START, ONE_YEAR)],
        "new_end": TWO_YEARS,
        "proofs": ("suspension_form", "medical_county"),
        "filed_on": dt.date(2026, 8, 20),
    } | kw
    return suspension.check_extension(
        StudentFacts(**({"grade": 8, "status": "休学"} | (student or {}))), **args
    )


def resume(requested_grade=8, student=None, school=JUNIOR):
    return suspension.check_resumption(
        StudentFacts(**({"grade": 8, "status": "休学"} | (student or {}))),
        requested_grade=requested_grade,
        school=school,
    )


def expiry(grade=8, today=dt.date(2026, 9, 2), **kw):
    return suspension.check_suspension_expiry(
        StudentFacts(grade=grade, status="休学"), today=today, end=ONE_YEAR, **kw
    )


CASES = [
    case("suspension_not_enrolled", A23, lambda: suspend(), lambda: suspend(student={"status": "休学"})),
    case(
        "suspension_reason_not_allowed",
        A23,
        lambda: suspend(reason="force_majeure", proofs=("suspension_form", "force_majeure_proof")),
        lambda: suspend(reason="出国旅游"),
    ),
    case("suspension_hours_required", A23, lambda: suspend(), lambda: suspend(hours_needed=None)),
    # 第二十三条(一) "三分之一以上" includes one third; (二) "超过三分之一" does not.
    case(
        "suspension_hours_too_few",
        A23,
        lambda: suspend(hours_needed=120),
        lambda: suspend(reason="long_leave", proofs=("suspension_form", "leave_record"), hours_needed=120),
    ),
    case("suspension_proof_missing", A24, lambda: suspend(), lambda: suspend(proofs=("suspension_form",))),
    case("suspension_period_invalid", A24, lambda: suspend(), lambda: suspend(end=START)),
    case(
        "suspension_too_long",
        A24,
        lambda: suspend(end=ONE_YEAR),
        lambda: suspend(end=ONE_YEAR + dt.timedelta(days=1)),
    ),
    case(
        "suspension_graduating_year", None, lambda: suspend(), lambda: suspend(student={"grade": 9}), WARNING
    ),
    case("extension_not_suspended", A24, lambda: extend(), lambda: extend(student={"status": "在籍"})),
    case("extension_end_not_later", A24, lambda: extend(), lambda: extend(new_end=ONE_YEAR)),
    case(
        "extension_over_limit",
        A24,
        lambda: extend(new_end=TWO_YEARS),
        lambda: extend(new_end=TWO_YEARS + dt.timedelta(days=1)),
    ),
    case(
        "extension_proof_missing",
        A24,
        lambda: extend(proofs=("suspension_form", "other_proof")),
        lambda: extend(proofs=("suspension_form",)),
    ),
    case(
        "extension_filed_late",
        A24,
        lambda: extend(filed_on=ONE_YEAR),
        lambda: extend(filed_on=ONE_YEAR + dt.timedelta(days=1)),
        WARNING,
    ),
    case(
        "extension_filed_late",
        A31,
        lambda: suspension.check_extension(
            StudentFacts(grade=11, status="休学"),
            periods=[(START, ONE_YEAR)],
            new_end=TWO_YEARS,
            proofs=("suspension_form", "medical_county"),
            filed_on=ONE_YEAR,
        ),
        lambda: suspension.check_extension(
            StudentFacts(grade=11, status="休学"),
            periods=[(START, ONE_YEAR)],
            new_end=TWO_YEARS,
            proofs=("suspension_form", "medical_county"),
            filed_on=dt.date(2026, 10, 8),
        ),
        WARNING,
    ),
    case(
        "resumption_not_suspended",
        A24,
        lambda: resume(),
        lambda: suspension.check_resumption(StudentFacts(grade=8, status="在籍"), requested_grade=8),
    ),
    case("resumption_grade_repeat", A23, lambda: resume(8), lambda: resume(7)),
    case("resumption_grade_skip", A24, lambda: resume(9), lambda: resume(10)),
    case(
        "resumption_grade_not_taught",
        A24,
        lambda: suspension.check_resumption(
            StudentFacts(grade=6, status="休学"), requested_grade=6, school=PRIMARY
        ),
        lambda: suspension.check_resumption(
            StudentFacts(grade=6, status="休学"), requested_grade=7, school=PRIMARY
        ),
    ),
    case("suspension_expired_unresumed", A24, lambda: expiry(today=ONE_YEAR), lambda: expiry(), WARNING),
    case(
        "suspension_expired_auto_withdrawal",
        A31,
        lambda: expiry(grade=11, extended=True),
        lambda: expiry(grade=11),
        WARNING,
    ),
]


@pytest.mark.parametrize(("code", "article", "allowed", "refused", "severity"), CASES)
def test_rule_allows_and_refuses_naming_its_article(code, article, allowed, refused, severity):
    check_case(code, article, allowed, refused, severity)


def test_every_rule_has_both_cases():
    check_coverage(CASES, suspension.RULES)


def test_graduating_year_is_only_a_note_never_a_refusal():
    [note] = suspend(student={"grade": 9})
    assert note.severity == WARNING and note.article is None and "非条文" in note.message


def test_long_leave_must_pass_one_third():
    assert suspend(reason="long_leave", proofs=("suspension_form", "leave_record"), hours_needed=121) == []


def test_illness_proof_is_a_county_level_hospital_and_force_majeure_needs_an_authority():
    [missing] = suspend(proofs=("suspension_form",))
    assert "县级以上医疗单位" in missing.message
    [missing] = suspend(reason="force_majeure", proofs=("suspension_form",))
    assert "县级以上公安或民政、劳动" in missing.message


def test_two_years_count_all_suspensions_together():
    periods = [(START, dt.date(2026, 3, 1)), (dt.date(2026, 3, 1), ONE_YEAR)]
    assert extend(periods=periods, new_end=TWO_YEARS) == []
    [over] = extend(periods=periods, new_end=dt.date(2027, 10, 1))
    assert over.code == "extension_over_limit" and "至多2年" in over.message
    # A gap between two suspensions does not count against the two years.
    gap = [(START, dt.date(2026, 3, 1)), (dt.date(2026, 9, 1), dt.date(2027, 3, 1))]
    assert extend(periods=gap, new_end=dt.date(2027, 9, 1), filed_on=None) == []


def test_extension_needs_the_existing_periods():
    with pytest.raises(ValueError):
        extend(periods=[])


def test_resumption_to_the_next_grade_is_the_familys_choice_also_across_stages_where_taught():
    nine_year = SchoolFacts("3114010502", "九年一贯制学校")
    assert (
        suspension.check_resumption(StudentFacts(grade=6, status="休学"), requested_grade=7, school=nine_year)
        == []
    )
    assert resume(9) == [] and resume(8) == []
    assert [
        v.code for v in suspension.check_resumption(StudentFacts(grade=12, status="休学"), requested_grade=13)
    ] == ["resumption_grade_not_taught"]


def test_suspension_state():
    assert suspension.suspension_state(dt.date(2026, 8, 1), ONE_YEAR) == "active"
    assert suspension.suspension_state(ONE_YEAR, ONE_YEAR) == "active"
    assert suspension.suspension_state(dt.date(2026, 9, 2), ONE_YEAR) == "expired_unresumed"
    assert suspension.suspension_state(dt.date(2026, 9, 2), ONE_YEAR, resumed=True) == "resumed"
    assert suspension.suspension_state(dt.date(2026, 9, 2), ONE_YEAR, extended=True) == "extended"
