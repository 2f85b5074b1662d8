"""Application history for `xueji generate`: what a registry of that size has been through, in proportion.

Benchmarks of the inbox, the overdue list and a record read mean little on a registry where nobody ever applied
for anything, so each generated batch of students gets, set-based (one INSERT … SELECT per table and kind):

- every record still awaiting registration (待注册, about 0.8 % of all): a registration application whose school
  step is approved and whose authority step (county, or city for high school and city-run schools, 第三条) is
  pending: the authorities' inboxes, about a quarter of them past due (the overdue list);
- 2 % of the registered records: an approved information change (第十五条), both steps approved;
- 0.5 %: a rejected suspension (第二十三条), the school's step approved and the authority's rejected.

Decided applications change no record (an approved information change of synthetic data has nothing to
change), so the students, their statuses and the tally stay as generated. Every row carries the batch
"synthetic-<seed>" so a benchmark can find (or leave out) what was generated.
"""

from __future__ import annotations

import datetime

from django.db import connection

from xueji.accounts.models import User
from xueji.orgs.models import Division

GENERATOR = "synthetic"  # the account named as filer of generated applications; it cannot log in
INFO_CHANGE_EVERY = 50  # 2 %
SUSPENSION_EVERY = 200  # 0.5 %
PENDING_SPREAD_DAYS = 20  # pending registrations were filed over the last 20 days
DECIDED_SPREAD_DAYS = 600  # decided ones over the last two school years
STEP_DAYS = 14  # ten working days, in calendar days


def _filer() -> int:
    # Bound to the province node (every account hangs on one node) and inactive: nobody logs in as it.
    province = Division.objects.filter(level=Division.Level.PROVINCE).order_by("code").first()
    user, _ = User.objects.get_or_create(username=GENERATOR, defaults={
        "role": "province", "division": province, "is_active": False, "display_name": "合成数据生成器"})
    return user.pk


def _days_before(base: str, days: str, date: bool = False) -> str:
    """SQL for `base` (a parameter) minus `days` (an integer expression), as a timestamp or a date."""
    if connection.vendor == "postgresql":
        cast = "date" if date else "timestamptz"
        return f"({base}::{cast} - ({days}) * interval '1 day')" + ("::date" if date else "")
    return f"{'date' if date else 'datetime'}({base}, '-' || ({days}) || ' days')"


def _plus_days(expr: str, days: int, date: bool = True) -> str:
    """SQL for the timestamp `expr` plus `days`, as a date or as a timestamp."""
    if connection.vendor == "postgresql":
        return f"(({expr})::date + {days})" if date else f"(({expr}) + interval '{days} days')"
    return f"{'date' if date else 'datetime'}({expr}, '+{days} days')"


def _applications(kind: str, status: str, where: str, spread: int, decided_after: int | None) -> str:
    created = _days_before("%(now)s", f"s.id %% {spread}")
    decided = _plus_days(created, decided_after, date=False) if decided_after is not None else "NULL"
    due = _plus_days(created, 15)
    return f"""
        INSERT INTO applications_application
            (type, student_id, school_id, status, payload, reason, due_date, created_by_id, created_at, decided_at,
             batch)
        SELECT '{kind}', s.id, s.school_id, '{status}', '{{}}', '', {due}, %(filer)s, {created}, {decided},
               %(batch)s
        FROM students_student s WHERE s.id >= %(since)s AND {where}"""


def _steps(kind: str, order: int, label: str, status: str, *, authority: bool, decided: bool) -> str:
    # The authority of 第三条: the city for high-school grades and the schools it runs, else the county.
    org = ("JOIN orgs_division d ON d.code = CASE WHEN sc.city_run OR s.grade >= 10 THEN sc.city_id "
           "ELSE sc.county_id END") if authority else ""
    code, name = ("d.code", "d.name") if authority else ("sc.code", "sc.name")
    role = "CASE WHEN sc.city_run OR s.grade >= 10 THEN 'city' ELSE 'county' END" if authority else "'leader'"
    due = _plus_days("a.created_at", STEP_DAYS * order)
    return f"""
        INSERT INTO applications_step
            (application_id, "order", label, org_code, org_name, role, status, working_days, started_at, due_date,
             decided_at, comment)
        SELECT a.id, {order}, '{label}', {code}, {name}, {role}, '{status}', 10, a.created_at, {due},
               {"a.created_at" if decided else "NULL"}, ''
        FROM applications_application a
        JOIN students_student s ON s.id = a.student_id
        JOIN orgs_school sc ON sc.code = s.school_id {org}
        WHERE a.batch = %(batch)s AND a.type = '{kind}' AND a.student_id >= %(since)s"""


def add_history(since_id: int, batch: str, now: datetime.datetime | None = None) -> dict:
    """Applications and their steps for the students with ids from `since_id` on; returns how many of each."""
    from django.utils import timezone

    params = {"now": (now or timezone.now()).isoformat(), "filer": _filer(), "batch": batch, "since": since_id}
    statements = [
        _applications("registration", "pending", "s.status = '待注册'", PENDING_SPREAD_DAYS, None),
        _steps("registration", 1, "学校审核", "approved", authority=False, decided=True),
        _steps("registration", 2, "主管部门审核", "pending", authority=True, decided=False),
        _applications("info_change", "approved", f"s.status = '在籍' AND s.id %% {INFO_CHANGE_EVERY} = 7",
                      DECIDED_SPREAD_DAYS, 6),
        _steps("info_change", 1, "学校审核", "approved", authority=False, decided=True),
        _steps("info_change", 2, "主管部门审核", "approved", authority=True, decided=True),
        _applications("suspension", "rejected", f"s.status = '在籍' AND s.id %% {SUSPENSION_EVERY} = 3",
                      DECIDED_SPREAD_DAYS, 6),
        _steps("suspension", 1, "学校审核", "approved", authority=False, decided=True),
        _steps("suspension", 2, "主管部门审核", "rejected", authority=True, decided=True),
    ]
    written = {}
    with connection.cursor() as cursor:
        for kind, sql in zip(("registration", "info_change", "suspension"), statements[::3], strict=True):
            cursor.execute(sql, params)
            written[kind] = cursor.rowcount
        for sql in statements[1::3] + statements[2::3]:
            cursor.execute(sql, params)
    return written
