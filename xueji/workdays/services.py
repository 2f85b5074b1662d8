"""Counting working days, and the province officer's edits of the calendar."""

import datetime
from functools import lru_cache

from django.db import transaction

from xueji.audit import services as audit
from xueji.core.errors import Forbidden, RuleViolation
from xueji.core.inputs import FIRST_YEAR, LAST_YEAR
from xueji.policy import terms
from xueji.policy.violations import Violation

from .models import CalendarDay, CalendarYear

# The longest count anyone asks for: a step's time limit is 10 or 15 working days, a year is about 250.
MAX_WORKING_DAYS = 366


@lru_cache(maxsize=64)
def _year(year: int) -> tuple[frozenset, frozenset, bool]:
    days = CalendarDay.objects.filter(date__year=year)
    off = frozenset(d.date for d in days if not d.is_workday)
    on = frozenset(d.date for d in days if d.is_workday)
    return off, on, CalendarYear.objects.filter(year=year).exists()


def clear_cache() -> None:
    _year.cache_clear()


def year_has_data(year: int) -> bool:
    return _year(year)[2]


def is_workday(day: datetime.date) -> bool:
    off, on, _published = _year(day.year)
    if day in on:
        return True
    if day in off:
        return False
    return day.weekday() < 5


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date of the `days`-th working day after `start` (start itself does not count)."""
    if not 0 <= days <= MAX_WORKING_DAYS:
        # Callers pass a step's limit; a count beyond a year is a bug or a hostile request, not a deadline.
        raise ValueError(f"working days out of range: {days}")
    current = start
    counted = 0
    while counted < days:
        current += datetime.timedelta(days=1)
        if is_workday(current):
            counted += 1
    return current


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (negative when end is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    # Counted, not walked day by day: a date typed years away (a death "known" in year 1) must not cost
    # a million steps. Monday–Friday, then the calendar's exceptions inside the span.
    count = _weekdays_through(end) - _weekdays_through(start)
    for day, is_workday_ in _exceptions(start, end):
        weekday = day.weekday() < 5
        count += (is_workday_ and not weekday) - (not is_workday_ and weekday)
    return count


def _exceptions(start: datetime.date, end: datetime.date):
    """The calendar's (date, is_workday) rows after `start` up to and including `end`."""
    if end.year - start.year < 3:  # the usual deadline: the cached years
        for year in range(start.year, end.year + 1):
            off, on, _published = _year(year)
            yield from ((d, False) for d in off if start < d <= end)
            yield from ((d, True) for d in on if start < d <= end)
        return
    yield from CalendarDay.objects.filter(date__gt=start, date__lte=end).values_list("date", "is_workday")


def _weekdays_through(day: datetime.date) -> int:
    """Mondays–Fridays from 0001-01-01 up to and including `day`."""
    weeks, rest = divmod(day.toordinal(), 7)
    # Ordinal 1 (0001-01-01) is a Monday, so a week's remainder r covers its first r days, Monday first.
    return weeks * 5 + min(rest, 5)


def fallback_years(*days: datetime.date) -> list[int]:
    """Years among `days` for which no holiday schedule is loaded (the count is then Monday–Friday)."""
    return sorted({d.year for d in days if d and not year_has_data(d.year)})


def set_day(actor, day: datetime.date, *, is_workday_: bool, name: str = "") -> CalendarDay:
    """The province enters a holiday or a make-up working day (e.g. next year's schedule once published)."""
    if actor.role != "province":
        raise Forbidden("只有省级教育行政部门可以维护工作日历")
    _within_calendar(day, "date", "日期")
    with transaction.atomic():
        row, _ = CalendarDay.objects.update_or_create(
            date=day, defaults={"is_workday": is_workday_, "name": name, "updated_by": actor}
        )
        CalendarYear.objects.get_or_create(year=day.year, defaults={"source": "省级维护"})
        audit.record(actor, "calendar.set_day", object_type="calendarday", object_id=day.isoformat(),
                     details={"is_workday": is_workday_, "name": name})
    transaction.on_commit(clear_cache)
    clear_cache()
    return row


def set_term(actor, *, school_year: int, number: int, starts_on: datetime.date, ends_on: datetime.date):
    """The province sets a term's dates (the regulation's "学期中", "开学前一周" are decided from them)."""
    from .models import Term

    if actor.role != "province":
        raise Forbidden("只有省级教育行政部门可以设置学期起止日期")
    if not FIRST_YEAR <= school_year <= LAST_YEAR:
        raise RuleViolation(Violation(code="year_out_of_range", field="school_year",
                                      message=f"学年起始年份须在{FIRST_YEAR}–{LAST_YEAR}之间"))
    _within_calendar(starts_on, "starts_on", "开学日期")
    _within_calendar(ends_on, "ends_on", "学期结束日期")
    if ends_on <= starts_on:
        raise RuleViolation(Violation(code="term_dates", field="ends_on", message="学期结束日期须晚于开学日期"))
    if number not in (1, 2) or starts_on.year not in (school_year, school_year + 1):
        raise RuleViolation(Violation(code="term_year", field="starts_on",
                                      message="开学日期须在该学年内(第一学期在起始年份秋季,第二学期在次年春季)"))
    with transaction.atomic():
        term, _ = Term.objects.update_or_create(
            school_year=school_year, number=number,
            defaults={"starts_on": starts_on, "ends_on": ends_on, "set_by": actor},
        )
        audit.record(actor, "calendar.set_term", obj=term,
                     details={"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()})
    return term


def _within_calendar(day: datetime.date, field: str, label: str) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise RuleViolation(Violation(code="date_out_of_range", field=field,
                                      message=f"{label}须在{FIRST_YEAR}年至{LAST_YEAR}年之间"))


def term_on(day: datetime.date):
    """The term whose dates contain `day`, else None (a holiday between terms)."""
    from .models import Term

    return Term.objects.filter(starts_on__lte=day, ends_on__gte=day).first()


def school_year_of(day: datetime.date) -> int:
    """The school year of `day`: the province's term covering it, else the calendar (xueji.policy.terms)."""
    from .models import Term

    return terms.school_year_of(day, Term.objects.filter(starts_on__lte=day, ends_on__gte=day)[:1])


def term_of(day: datetime.date) -> tuple[int, int]:
    """(school year, term number) of `day`, term-aware like school_year_of."""
    from .models import Term

    return terms.term_of(day, Term.objects.filter(starts_on__lte=day, ends_on__gte=day)[:1])


def term_window(school_year: int, number: int) -> tuple[datetime.date, datetime.date]:
    """A term's first and last day: the province's dates when set, else the calendar's."""
    from .models import Term

    return terms.term_window(school_year, number, Term.objects.filter(school_year=school_year, number=number))


def next_term_from(day: datetime.date):
    """The first term starting on or after `day`."""
    from .models import Term

    return Term.objects.filter(starts_on__gte=day).order_by("starts_on").first()


def autumn_term(school_year: int):
    from .models import Term

    return Term.objects.filter(school_year=school_year, number=1).first()
