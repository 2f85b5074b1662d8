"""The user's to-do list: every registered provider's rows in one query, soonest deadline first, one page at a time.

The count the navigation shows and the list's count are the same query (one UNION ALL counted), kept on the
request so a page that shows both asks the database once.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from xueji.applications.selectors import Due, due
from xueji.audit import services as audit
from xueji.core.errors import RuleViolation
from xueji.policy.fields import GRADE_LABELS
from xueji.policy.violations import Violation

from . import registry
from .registry import Filters

PAGE_SIZE = 25
NO_FILTERS = Filters()


@dataclass(frozen=True)
class TodoItem:
    kind: str
    kind_label: str
    id: int
    title: str
    url: str
    detail: str
    due_date: datetime.date | None
    due: Due | None
    school: str
    grade: int | None
    batch_id: int | None

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS.get(self.grade, "") if self.grade else ""

    @property
    def working_days_left(self) -> int | None:
        return self.due.left if self.due and self.due.unit == "个工作日" else None


def check_filters(filters: Filters) -> None:
    if filters.kind and filters.kind not in dict(registry.kinds()):
        choices = "、".join(f"{k}({label})" for k, label in registry.kinds())
        raise RuleViolation(Violation(code="unknown_kind", field="kind",
                                      message=f"待办类型“{filters.kind}”不存在,可选:{choices}"))


def _queryset(user, filters: Filters):
    parts = [registry.narrowed(p.rows(user), filters) for p in registry.providers_for(user, filters.kind)]
    return registry.union(parts)


def _union_sql(user, filters: Filters) -> tuple[str, list] | None:
    """The union's SQL and parameters, built and compiled once per user, filters and day and then reused for
    XUEJI_TODO_SQL_SECONDS within the server process. Building seven providers' querysets and compiling their
    union took 6–7 ms of a county's home page (#15); the query itself still runs on every request, so the list
    and its count are always live. What the text fixes is the user's jurisdiction as it stood (a school added
    to his county joins his list within that time) and today's deadlines: the providers build with the
    server's date, so that date is in the key."""
    seconds = settings.XUEJI_TODO_SQL_SECONDS
    today = timezone.localdate()
    # The filters are typed by the user (a school code with a space in it): hashed, so the key stays one any
    # cache backend accepts.
    typed = hashlib.sha256(repr((filters.kind, filters.school, filters.grade)).encode()).hexdigest()[:32]
    key = (f"xueji:todo-sql:{user.pk}:{user.role}:{user.division_id}:{user.school_id}:{user.is_active}:"
           f"{typed}:{today.isoformat()}")
    kept = cache.get(key) if seconds > 0 else None
    if kept is not None:
        return kept
    qs = _queryset(user, filters)
    compiled = qs.query.sql_with_params() if qs is not None else None
    if seconds > 0:
        cache.set(key, compiled, timeout=seconds)
    return compiled


def _run(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def todo_count(user, filters: Filters = NO_FILTERS) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    union = _union_sql(user, filters)
    if union is None:
        return 0
    sql, params = union
    return _run(f"SELECT COUNT(*) FROM ({sql}) todo", params)[0][0]


def request_count(request) -> int:
    """The unfiltered count for the navigation, once per request (the home page's list reuses it)."""
    if not hasattr(request, "_todo_count"):
        request._todo_count = todo_count(request.user)
    return request._todo_count


def todo_page(user, filters: Filters, page: int = 1, page_size: int = PAGE_SIZE,
              today: datetime.date | None = None) -> tuple[int, list[TodoItem]]:
    """(total count, the items of one page). A page past the end is empty, not an error."""
    check_filters(filters)
    union = _union_sql(user, filters)
    if union is None:
        return 0, []
    start = (page - 1) * page_size
    rows, count = _sorted_page(*union, start, page_size)
    if count is None:  # past the end: nothing to carry the count
        count = todo_count(user, filters) if start else 0
    return count, _items(user, rows, today or timezone.localdate())


def _sorted_page(sql: str, params, start: int, size: int) -> tuple[list[tuple], int | None]:
    """One page of the union in the list's order, and the number of its rows (None when the page is empty).
    The union is read in full to be sorted for the page anyway, so the count rides along as a window over it:
    counted apart, a busy county's 600 steps were joined to their applications and students twice (5–8 ms)."""
    found = _run(f"SELECT *, COUNT(*) OVER () FROM ({sql}) todo ORDER BY t_sort, t_kind, t_ref "
                 "LIMIT %s OFFSET %s", [*params, size, start])
    if not found:
        return [], None
    # A raw cursor on SQLite gives dates as text, where the ORM would have converted them.
    return [(kind, ref, _date(due), school, grade, _date(sort)) for kind, ref, due, school, grade, sort, _n
            in found], found[0][-1]


def _date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def audit_list(user, filters: Filters, page: int, count: int) -> None:
    # The list names children (like the inbox and a search), so showing it is a read worth recording; the
    # navigation's bare count is not.
    audit.record(user, "todo.list", object_type="todo",
                 details={"kind": filters.kind, "school": filters.school, "grade": filters.grade, "page": page,
                          "count": count})


def _items(user, rows: list[tuple], today: datetime.date) -> list[TodoItem]:
    by_kind: dict[str, list[int]] = {}
    for kind, ref, *_ in rows:
        by_kind.setdefault(kind, []).append(ref)
    # One query per kind present on the page, never one per row.
    described = {kind: registry.provider(kind).describe(user, ids) for kind, ids in by_kind.items()}
    items = []
    for kind, ref, due_date, school, grade, _sort in rows:
        provider = registry.provider(kind)
        text = described[kind].get(ref) or registry.Described(title=f"{provider.label}#{ref}", url="")
        items.append(TodoItem(
            kind=kind, kind_label=provider.label, id=ref, title=text.title, url=text.url, detail=text.detail,
            due_date=due_date, due=due(due_date, working=provider.working_days, today=today),
            school=school or "", grade=grade, batch_id=text.batch_id,
        ))
    return items
