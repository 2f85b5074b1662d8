"""/api/v1/calendar: the working-day calendar and the school terms; the province edits, everyone reads."""

import datetime
from typing import Annotated

from ninja import Field, Query, Router, Schema

from xueji.api.common import FIRST_YEAR, LAST_YEAR, Year, bounded, errors

from . import services
from .models import CalendarDay, CalendarYear, Term

router = Router(tags=["工作日历与学期"])

# The calendar covers the registry's years; a date outside them is refused (400) rather than counted through
# thousands of years or past the end of Python's dates.
CalendarDate = bounded(datetime.date, datetime.date(FIRST_YEAR, 1, 1), datetime.date(LAST_YEAR, 12, 31))


class DayOut(Schema):
    date: datetime.date = Field(description="日期")
    is_workday: bool = Field(description="是否工作日(节假日为 false,调休上班的周末为 true)")
    name: str = Field(description="说明,如“国庆节”“国庆节调休上班”")


class YearOut(Schema):
    year: int
    has_data: bool = Field(description="是否已录入当年节假日安排;否则按周一至周五计算工作日")
    days: list[DayOut] = Field(description="当年的节假日与调休上班日(只列与周一至周五不同的日子)")


class DayIn(Schema):
    date: CalendarDate
    is_workday: bool
    name: str = ""


class TermIn(Schema):
    school_year: Year = Field(description="学年起始年份,如 2026 表示 2026–2027 学年")
    number: int = Field(ge=1, le=2, description="1 第一学期(秋季),2 第二学期(春季)")
    starts_on: CalendarDate
    ends_on: CalendarDate


class TermOut(Schema):
    school_year: int
    number: int
    starts_on: datetime.date
    ends_on: datetime.date
    label: str


class DueOut(Schema):
    start: datetime.date
    working_days: int
    due_date: datetime.date
    fallback_years: list[int] = Field(description="按周一至周五估算的年份(未录入节假日安排)")


def _term(term: Term) -> dict:
    return {"school_year": term.school_year, "number": term.number, "starts_on": term.starts_on,
            "ends_on": term.ends_on, "label": str(term)}


@router.get("/years/{year}", response=YearOut)
def year_days(request, year: Year):
    days = CalendarDay.objects.filter(date__year=year)
    return {"year": year, "has_data": CalendarYear.objects.filter(year=year).exists(),
            "days": [{"date": d.date, "is_workday": d.is_workday, "name": d.name} for d in days]}


@router.put("/days", response={200: DayOut, **errors(400, 403, 422)})
def set_day(request, body: DayIn):
    row = services.set_day(request.auth, body.date, is_workday_=body.is_workday, name=body.name)
    return {"date": row.date, "is_workday": row.is_workday, "name": row.name}


@router.get("/due-date", response=DueOut)
def due_date(request, start: Annotated[CalendarDate, Query(description=f"起算日期,{FIRST_YEAR}–{LAST_YEAR}年")],
             working_days: Annotated[bounded(int, 0, services.MAX_WORKING_DAYS),
                                     Query(10, description=f"工作日数,0–{services.MAX_WORKING_DAYS}")] = 10):
    """The date of the N-th working day after `start`: what every step's deadline uses."""
    due = services.add_working_days(start, working_days)
    return {"start": start, "working_days": working_days, "due_date": due,
            "fallback_years": services.fallback_years(start, due)}


@router.get("/terms", response=list[TermOut])
def terms(request):
    return [_term(t) for t in Term.objects.all()]


@router.put("/terms", response={200: TermOut, **errors(400, 403, 422)})
def set_term(request, body: TermIn):
    term = services.set_term(request.auth, school_year=body.school_year, number=body.number,
                             starts_on=body.starts_on, ends_on=body.ends_on)
    return _term(term)
