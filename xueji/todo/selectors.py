"""The user's to-do list: every registered provider's rows in one query, soonest deadline first, one page at a time.

The count the navigation shows and the list's count are the same query (one UNION ALL counted), kept on the
request so a page that shows both asks the database once.
"""

import datetime
from dataclasses import dataclass

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


def todo_count(user, filters: Filters = NO_FILTERS) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    qs = _queryset(user, filters)
    return qs.count() if qs is not None else 0


def request_count(request) -> int:
    """The unfiltered count for the navigation, once per request (the home page's list reuses it)."""
    if not hasattr(request, "_todo_count"):
        request._todo_count = todo_count(request.user)
    return request._todo_count


def todo_page(user, filters: Filters, page: int = 1, page_size: int = PAGE_SIZE,
              today: datetime.date | None = None) -> tuple[int, list[TodoItem]]:
    """(total count, the items of one page). A page past the end is empty, not an error."""
    check_filters(filters)
    qs = _queryset(user, filters)
    if qs is None:
        return 0, []
    count = qs.count()
    start = (page - 1) * page_size
    rows = list(qs.order_by("t_sort", "t_kind", "t_ref")[start:start + page_size]) if start < count else []
    return count, _items(user, rows, today or timezone.localdate())


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
