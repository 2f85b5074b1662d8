"""工作日历 pages: a year's holidays and make-up working days, school terms; the province edits them.

Everyone may read the calendar deadlines are counted in; only the province officer may change it (the services
refuse anyone else with 403).
"""

import calendar
import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from xueji.core.errors import RuleViolation, ServiceError, malformed
from xueji.core.inputs import FIRST_YEAR, LAST_YEAR, parse_int
from xueji.policy.violations import Violation
from xueji.web.pages import form_errors, page, require

from . import services
from .models import CalendarDay, Term

FALLBACK_TEXT = "按周一至周五计算(当年节假日安排未录入)"
WEEKDAYS = "一二三四五六日"
PROVINCE_ONLY = "只有省级教育行政部门可以维护工作日历和学期"


def _year(request) -> int:
    raw = request.GET.get("year") or request.POST.get("year")
    return parse_int(raw, FIRST_YEAR, LAST_YEAR) or timezone.localdate().year


def _months(year: int, named: dict) -> list[dict]:
    months = []
    for month in range(1, 13):
        weeks = []
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            weeks.append([{"date": d, "in_month": d.month == month, "workday": services.is_workday(d),
                           "weekend": d.weekday() >= 5, "name": named.get(d, "")} for d in week])
        months.append({"number": month, "weeks": weeks})
    return months


def _context(request, year: int, **extra) -> dict:
    days = list(CalendarDay.objects.filter(date__year=year).order_by("date"))
    user = request.user
    return {
        "year": year,
        "has_data": services.year_has_data(year),
        "fallback_text": FALLBACK_TEXT,
        "days": days,
        "months": _months(year, {d.date: d.name for d in days}),
        "weekdays": WEEKDAYS,
        "terms": Term.objects.filter(school_year__in=(year - 1, year)).order_by("starts_on"),
        "term_numbers": Term.Number.choices,
        "can_edit": user.role == "province",
        "errors": {}, "error_list": [], "values": {},
        "crumbs": [{"label": "工作日历", "url": None}],
        **extra,
    }


@page
def calendar_page(request):
    return render(request, "workdays/calendar.html", _context(request, _year(request)))


def _date(raw: str, field: str, label: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat((raw or "").strip())
    except ValueError:
        raise malformed(field, f"请按YYYY-MM-DD填写{label}") from None


def _back(year: int):
    return redirect(f"{reverse('web:calendar:index')}?year={year}")


def _refused(request, year: int, exc: ServiceError, values: dict):
    errors, error_list = form_errors(exc)
    return render(request, "workdays/calendar.html",
                  _context(request, year, errors=errors, error_list=error_list, values=values), status=exc.status)


@page
@require_POST
def day_page(request):
    """Enter a holiday or a make-up working day (services.set_day audits it)."""
    require(request.user.role == "province", PROVINCE_ONLY)
    values = {k: request.POST.get(k, "").strip() for k in ("date", "is_workday", "name")}
    year = _year(request)
    try:
        day = _date(values["date"], "date", "日期")
        if values["is_workday"] not in ("0", "1"):
            raise RuleViolation(Violation(code="required", field="is_workday", message="请选择该日是节假日还是调休上班日"))
        services.set_day(request.user, day, is_workday_=values["is_workday"] == "1", name=values["name"][:40])
    except ServiceError as exc:
        if exc.status == 403:
            raise
        return _refused(request, year, exc, values)
    messages.success(request, f"已保存{day:%Y年%m月%d日}:{'调休上班' if values['is_workday'] == '1' else '放假'}。")
    return _back(day.year)


@page
@require_POST
def term_page(request):
    """Set a term's dates (services.set_term checks and audits them)."""
    require(request.user.role == "province", PROVINCE_ONLY)
    values = {k: request.POST.get(k, "").strip() for k in ("school_year", "number", "starts_on", "ends_on")}
    year = _year(request)
    try:
        school_year = parse_int(values["school_year"], FIRST_YEAR, LAST_YEAR)
        if school_year is None or values["number"] not in ("1", "2"):
            raise RuleViolation(Violation(code="required", field="number",
                                          message=f"请填写学年起始年份({FIRST_YEAR}–{LAST_YEAR})并选择学期"))
        term = services.set_term(request.user, school_year=school_year, number=int(values["number"]),
                                 starts_on=_date(values["starts_on"], "starts_on", "开学日期"),
                                 ends_on=_date(values["ends_on"], "ends_on", "学期结束日期"))
    except ServiceError as exc:
        if exc.status == 403:
            raise
        return _refused(request, year, exc, values)
    messages.success(request, f"已设置{term}:{term.starts_on:%Y年%m月%d日}至{term.ends_on:%Y年%m月%d日}。")
    return _back(year)
