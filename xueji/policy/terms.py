"""The school year and its two terms: the one answer to "which school year, which term is this day in?".

Pure: the caller passes the terms the province has set (school_year, number, starts_on, ends_on); a day inside
one belongs to it. Without a term covering the day the calendar decides: the school year's work (admission,
placement, promotion) begins in August before the autumn term, and the spring term from February.
"""

import datetime
from collections.abc import Iterable
from typing import NamedTuple

# First month of a school year when no term says otherwise (2026-08-01 opens school year 2026 = 2026–27).
SCHOOL_YEAR_START_MONTH = 8
# First month of the spring term (第二学期) when no term says otherwise.
SPRING_START_MONTH = 2
AUTUMN, SPRING = 1, 2
TERM_LABELS = {AUTUMN: "第一学期(秋季)", SPRING: "第二学期(春季)"}


class TermDates(NamedTuple):
    school_year: int
    number: int
    starts_on: datetime.date
    ends_on: datetime.date


def _covering(day: datetime.date, terms: Iterable) -> TermDates | None:
    for term in terms:
        if term.starts_on <= day <= term.ends_on:
            return TermDates(term.school_year, term.number, term.starts_on, term.ends_on)
    return None


def school_year_of(day: datetime.date, terms: Iterable = ()) -> int:
    """The school year (its first calendar year) `day` belongs to."""
    term = _covering(day, terms)
    if term is not None:
        return term.school_year
    return day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1


def term_of(day: datetime.date, terms: Iterable = ()) -> tuple[int, int]:
    """(school year, term number) of `day`: a term that covers it, else the calendar's halves."""
    terms = list(terms)
    term = _covering(day, terms)
    if term is not None:
        return term.school_year, term.number
    year = school_year_of(day)
    spring = SPRING_START_MONTH <= day.month < SCHOOL_YEAR_START_MONTH
    return year, SPRING if spring else AUTUMN


def term_window(school_year: int, number: int, terms: Iterable = ()) -> tuple[datetime.date, datetime.date]:
    """First and last day of a term: the province's dates when set, else the calendar's halves of the year."""
    for term in terms:
        if term.school_year == school_year and term.number == number:
            return term.starts_on, term.ends_on
    if number == AUTUMN:
        return (datetime.date(school_year, SCHOOL_YEAR_START_MONTH, 1),
                datetime.date(school_year + 1, SPRING_START_MONTH, 1) - datetime.timedelta(days=1))
    return (datetime.date(school_year + 1, SPRING_START_MONTH, 1),
            datetime.date(school_year + 1, SCHOOL_YEAR_START_MONTH, 1) - datetime.timedelta(days=1))


def term_label(school_year: int, number: int) -> str:
    return f"{school_year}–{school_year + 1}学年{TERM_LABELS.get(number, number)}"
