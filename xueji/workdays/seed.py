"""Load the statutory holidays and make-up working days that the `chinese-calendar` package knows."""

import datetime

HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def calendar_exceptions() -> tuple[list[tuple[datetime.date, bool, str]], set[int]]:
    """(date, is_workday, name) for every weekday holiday and weekend working day, and the years covered."""
    import chinese_calendar

    rows = []
    for day, holiday in chinese_calendar.holidays.items():
        if day.weekday() < 5:
            rows.append((day, False, HOLIDAY_NAMES.get(str(holiday), str(holiday))))
    for day, holiday in chinese_calendar.workdays.items():
        if day.weekday() >= 5:
            rows.append((day, True, f"{HOLIDAY_NAMES.get(str(holiday), str(holiday))}调休上班"))
    years = {d.year for d, _w, _n in rows}
    return sorted(rows), years


def seed(apps=None) -> int:
    """Insert what is missing; a day the province already edited is left as the province set it."""
    get = apps.get_model if apps else _model
    CalendarDay, CalendarYear = get("workdays", "CalendarDay"), get("workdays", "CalendarYear")
    rows, years = calendar_exceptions()
    known = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, is_workday=w, name=n) for d, w, n in rows if d not in known], batch_size=500
    )
    for year in years:
        CalendarYear.objects.get_or_create(year=year, defaults={"source": "chinese-calendar"})
    return len(rows)


def _model(app_label, name):
    from django.apps import apps

    return apps.get_model(app_label, name)
