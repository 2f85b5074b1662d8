"""第十二条 in the policy: delay window and length, no-show dropout, high-school admission cancellation."""

import datetime as dt

from xueji.policy import arrival

TERM = dt.date(2026, 9, 1)


def codes(violations):
    return [v.code for v in violations]


def test_delay_filed_in_the_week_before_term_for_two_weeks_is_allowed():
    assert arrival.check_entry_delay(filed_on=dt.date(2026, 8, 26), term_start=TERM, until=dt.date(2026, 9, 15)) == []


def test_delay_filed_too_early_or_after_term_start_is_refused():
    for filed in (dt.date(2026, 8, 24), TERM):
        found = arrival.check_entry_delay(filed_on=filed, term_start=TERM, until=dt.date(2026, 9, 10))
        assert codes(found) == ["delay_filing_window"] and found[0].article == "第十二条"


def test_delay_longer_than_two_weeks_is_refused_and_points_to_suspension():
    found = arrival.check_entry_delay(filed_on=dt.date(2026, 8, 28), term_start=TERM, until=dt.date(2026, 9, 16))
    assert codes(found) == ["delay_too_long"] and "休学" in found[0].message


def test_primary_no_show_is_a_dropout_after_term_start_only():
    assert arrival.check_no_show_dropout(grade=1, today=dt.date(2026, 9, 8), term_start=TERM, delay_until=None) == []
    assert codes(arrival.check_no_show_dropout(grade=1, today=TERM, term_start=TERM, delay_until=None)) == [
        "not_yet_no_show"]
    assert codes(arrival.check_no_show_dropout(grade=7, today=dt.date(2026, 9, 8), term_start=TERM,
                                               delay_until=dt.date(2026, 9, 14))) == ["not_yet_no_show"]


def test_high_school_no_show_is_not_a_dropout():
    found = arrival.check_no_show_dropout(grade=10, today=dt.date(2026, 9, 30), term_start=TERM, delay_until=None)
    assert codes(found) == ["not_compulsory"]


def test_high_school_cancellation_after_ten_working_days_only():
    assert arrival.check_admission_cancel(grade=10, ground="no_show", working_days_since=11, has_evidence=False) == []
    found = arrival.check_admission_cancel(grade=10, ground="no_show", working_days_since=10, has_evidence=False)
    assert codes(found) == ["within_report_period"] and found[0].article == "第十二条"


def test_compulsory_admission_is_never_cancelled_and_fraud_needs_proof():
    assert codes(arrival.check_admission_cancel(grade=7, ground="no_show", working_days_since=30,
                                                has_evidence=False)) == ["compulsory_not_cancelled"]
    assert codes(arrival.check_admission_cancel(grade=10, ground="fraud", working_days_since=None,
                                                has_evidence=False)) == ["evidence_required"]
    assert arrival.check_admission_cancel(grade=10, ground="fraud", working_days_since=None, has_evidence=True) == []
