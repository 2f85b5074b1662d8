"""辍学 (第三十三条): compulsory stage only, written reports, the record kept through the compulsory years."""

import pytest

from tests.policy.rule_cases import case, check_case, check_coverage
from xueji.policy.changes import dropout
from xueji.policy.changes.common import StudentFacts

A33 = "第三十三条"


def run(grade=7, status="在籍", reported_to=("township", "county"), proofs=("dropout_report",), **kw):
    return dropout.check_dropout(
        StudentFacts(grade=grade, status=status), reported_to=reported_to, proofs=proofs, **kw
    )


def close(current):
    return dropout.check_dropout_record_close(
        grade_at_dropout=7, dropout_school_year=2025, current_school_year=current
    )


CASES = [
    case("dropout_not_compulsory", A33, lambda: run(grade=9), lambda: run(grade=10)),
    case("dropout_status", A33, lambda: run(), lambda: run(status="休学")),
    case("dropout_report_missing", A33, lambda: run(), lambda: run(reported_to=("county",))),
    case("dropout_proof_missing", A33, lambda: run(), lambda: run(proofs=())),
    # 初一 in 2025–2026 would reach 初三 in 2027–2028: the record stays until that year is over.
    case("dropout_record_kept", A33, lambda: close(2028), lambda: close(2027)),
]


@pytest.mark.parametrize(("code", "article", "allowed", "refused", "severity"), CASES)
def test_rule_allows_and_refuses_naming_its_article(code, article, allowed, refused, severity):
    check_case(code, article, allowed, refused, severity)


def test_every_rule_has_both_cases():
    check_coverage(CASES, dropout.RULES)


def test_a_city_run_school_also_reports_to_the_city():
    found = run(authority_level="city")
    assert [v.field for v in found] == ["reported_to.city"]
    assert run(authority_level="city", reported_to=("township", "county", "city")) == []
    assert [s.action for s in dropout.dropout_steps("city")] == ["submit", "report", "report", "report"]


def test_high_school_truancy_points_to_automatic_withdrawal():
    [found] = run(grade=11)
    assert "第三十一条" in found.message


def test_record_kept_through():
    assert dropout.record_kept_through(1, 2025) == 2033
    assert dropout.record_kept_through(9, 2025) == 2025
