"""死亡 (第三十二条): proof required; lateness past 10 working days is flagged, never refused."""

import pytest

from tests.policy.rule_cases import case, check_case, check_coverage
from xueji.policy.changes import death
from xueji.policy.changes.common import StudentFacts
from xueji.policy.violations import WARNING

A32 = "第三十二条"


def run(status="在籍", proofs=("death_proof",), days=3):
    return death.check_death(
        StudentFacts(grade=4, status=status), proofs=proofs, working_days_since_known=days
    )


CASES = [
    case("death_status", A32, lambda: run(status="辍学"), lambda: run(status="毕业")),
    case("death_proof_missing", A32, lambda: run(), lambda: run(proofs=())),
    case("death_report_overdue", A32, lambda: run(days=10), lambda: run(days=11), WARNING),
]


@pytest.mark.parametrize(("code", "article", "allowed", "refused", "severity"), CASES)
def test_rule_allows_and_refuses_naming_its_article(code, article, allowed, refused, severity):
    check_case(code, article, allowed, refused, severity)


def test_every_rule_has_both_cases():
    check_coverage(CASES, death.RULES)


@pytest.mark.parametrize("status", ["在籍", "休学", "辍学", "失踪"])
def test_any_open_record_can_be_closed_by_death(status):
    assert run(status=status) == []


def test_a_late_report_is_still_accepted():
    [late] = run(days=25)
    assert not late.is_error and "25个工作日" in late.message
    assert death.death_report_overdue(11) and not death.death_report_overdue(10)


def test_chain_gives_the_school_ten_working_days():
    first, last = death.death_steps()
    assert (first.org, first.working_days, first.action) == ("school", 10, "submit")
    assert last.org == "authority"
