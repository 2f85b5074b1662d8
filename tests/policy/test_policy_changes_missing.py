"""失踪、被羁押离校 (第四十一条): report to the city, keep the record, never cancel a detained minor's."""

import pytest

from tests.policy.rule_cases import case, check_case, check_coverage
from xueji.policy.changes import missing
from xueji.policy.changes.common import StudentFacts

A41 = "第四十一条"


def leave(status="在籍", reason="missing", reported_to_city=True, **kw):
    return missing.check_leave(
        StudentFacts(grade=8, status=status), reason=reason, reported_to_city=reported_to_city, **kw
    )


CASES = [
    case("leave_status", A41, lambda: leave(), lambda: leave(status="休学")),
    case("leave_reason_not_allowed", A41, lambda: leave(reason="detained"), lambda: leave(reason="外出打工")),
    case("leave_city_report_missing", A41, lambda: leave(), lambda: leave(reported_to_city=False)),
    case(
        "leave_non_custodial",
        A41,
        lambda: leave(reason="detained", judicial_outcome="criminal_measure"),
        lambda: leave(reason="detained", judicial_outcome="non_custodial"),
    ),
    case(
        "record_cancel_minor_measures",
        A41,
        lambda: missing.check_record_cancel(
            StudentFacts(grade=12, minor=False), judicial_outcome="criminal_measure"
        ),
        lambda: missing.check_record_cancel(StudentFacts(grade=8), judicial_outcome="criminal_measure"),
    ),
    case(
        "missing_return_status",
        A41,
        lambda: missing.check_return(StudentFacts(grade=8, status="失踪")),
        lambda: missing.check_return(StudentFacts(grade=8, status="在籍")),
    ),
]


@pytest.mark.parametrize(("code", "article", "allowed", "refused", "severity"), CASES)
def test_rule_allows_and_refuses_naming_its_article(code, article, allowed, refused, severity):
    check_case(code, article, allowed, refused, severity)


def test_every_rule_has_both_cases():
    check_coverage(CASES, missing.RULES)


def test_each_listed_reason_with_the_report_is_accepted():
    for reason in ("missing", "detained", "education_measure"):
        assert leave(reason=reason) == []


def test_the_leave_is_reported_to_the_city():
    assert [(s.org, s.action) for s in missing.leave_steps()] == [("school", "submit"), ("city", "report")]


def test_an_adults_or_a_missing_minors_record_may_be_closed_only_through_the_status_table():
    assert missing.check_record_cancel(StudentFacts(grade=8)) == []
    assert (
        missing.check_record_cancel(StudentFacts(grade=12, minor=False), judicial_outcome="criminal_measure")
        == []
    )
