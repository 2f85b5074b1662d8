"""失踪、被羁押离校 (第四十一条): report to the city, keep the record, never cancel a detained minor's."""

import pytest

from xueji.policy.changes import missing
from xueji.policy.changes.common import StudentFacts
from xueji.policy.violations import ERROR

A41 = "第四十一条"


def leave(status="在籍", reason="missing", reported_to_city=True, **kw):
    return missing.check_leave(
        StudentFacts(grade=8, status=status), reason=reason, reported_to_city=reported_to_city, **kw
    )


def case(code, article, allowed, refused, severity=ERROR):
    return pytest.param(code, article, allowed, refused, severity, id=code)


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
    ok = allowed()
    assert code not in [v.code for v in ok]
    assert [v for v in ok if v.is_error] == []
    hits = [v for v in refused() if v.code == code]
    assert hits, f"{code} not raised"
    for hit in hits:
        assert hit.article == article and hit.severity == severity
        assert f"({article})" in hit.message


def test_every_rule_has_both_cases():
    covered = {(p.values[0], p.values[1]) for p in CASES}
    assert covered == {(code, art) for code, arts in missing.RULES.items() for art in arts}


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
