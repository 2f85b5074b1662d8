"""One school-year rule (xueji.policy.terms): a term the province set wins, else the calendar from August."""

import datetime

from xueji.policy import terms

D = datetime.date


def test_calendar_fallback_starts_the_year_in_august():
    assert terms.school_year_of(D(2026, 7, 31)) == 2025
    assert terms.school_year_of(D(2026, 8, 1)) == 2026
    assert terms.term_of(D(2027, 3, 1)) == (2026, terms.SPRING)
    assert terms.term_of(D(2026, 12, 2)) == (2026, terms.AUTUMN)
    assert terms.term_window(2026, 1) == (D(2026, 8, 1), D(2027, 1, 31))
    assert terms.term_window(2026, 2) == (D(2027, 2, 1), D(2027, 7, 31))


def test_a_set_term_wins_over_the_calendar():
    late_spring = terms.TermDates(2025, 2, D(2026, 2, 20), D(2026, 8, 10))
    assert terms.school_year_of(D(2026, 8, 5), [late_spring]) == 2025
    assert terms.term_of(D(2026, 8, 5), [late_spring]) == (2025, 2)
    assert terms.term_window(2025, 2, [late_spring]) == (D(2026, 2, 20), D(2026, 8, 10))
