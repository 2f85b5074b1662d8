"""Where each capability plugs the work it creates into every user's one to-do list (#13 item 1).

A provider answers, for a user and the list's filters, a QuerySet already narrowed to that user's jurisdiction and
shaped by `shape()` into the same five columns (kind, id, due date, school, grade), so the list of every provider
is one UNION ALL sorted and paged by the database: nothing is fetched beyond the page shown. `describe` then
turns the ids of one page into titles and links, one query per kind on that page.

Capabilities register from their AppConfig.ready(); this module imports none of them.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import CharField, DateField, F, IntegerField, QuerySet, Value
from django.db.models.functions import Cast, Coalesce

# Items without a deadline sort after every dated one.
NO_DUE = datetime.date(9999, 12, 31)
COLUMNS = ("t_kind", "t_ref", "t_due", "t_school", "t_grade", "t_sort")


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    school: str = ""
    grade: int | None = None


@dataclass(frozen=True)
class Described:
    title: str
    url: str
    detail: str = ""
    # Whether the page offers this item to the batch action (approval steps only, where the engine allows it).
    batch_id: int | None = None


@dataclass(frozen=True)
class Provider:
    kind: str
    label: str
    roles: tuple[str, ...]
    rows: Callable[[object], QuerySet]  # user -> QuerySet shaped by shape()
    describe: Callable[[object, list[int]], dict[int, Described]]  # user, ids -> id -> Described
    working_days: bool = False  # the due date counts working days (approval steps), else calendar days


_providers: dict[str, Provider] = {}


def register(provider: Provider) -> None:
    """Add (or, when a module is imported again, replace) the provider of one kind."""
    _providers[provider.kind] = provider


def provider(kind: str) -> Provider:
    return _providers[kind]


def kinds() -> list[tuple[str, str]]:
    return [(p.kind, p.label) for p in _providers.values()]


def providers_for(user, kind: str = "") -> list[Provider]:
    role = getattr(user, "role", "")
    return [p for p in _providers.values() if role in p.roles and (not kind or p.kind == kind)]


def _expr(value, empty_type):
    if value is None:
        return Cast(Value(None), empty_type)
    return F(value) if isinstance(value, str) else value


def shape(qs: QuerySet, kind: str, *, due, school, grade, ref: str = "pk") -> QuerySet:
    """The provider's rows as the list's columns. `due` is a field path, an expression (a date computed in the
    query) or None; `school` the path (or expression) of the school code; `grade` the path of the grade, or None."""
    due_expr = _expr(due, DateField())
    grade_expr = _expr(grade, IntegerField())
    return qs.order_by().annotate(
        t_kind=Value(kind, output_field=CharField()), t_ref=F(ref), t_due=due_expr,
        t_school=_expr(school, CharField()), t_grade=grade_expr,
        t_sort=Coalesce(due_expr, Value(NO_DUE, output_field=DateField())),
    )


def narrowed(qs: QuerySet, filters: Filters) -> QuerySet:
    if filters.school:
        qs = qs.filter(t_school=filters.school)
    if filters.grade is not None:
        qs = qs.filter(t_grade=filters.grade)
    return qs.values_list(*COLUMNS)


def union(querysets: Iterable[QuerySet]) -> QuerySet | None:
    parts = list(querysets)
    if not parts:
        return None
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
