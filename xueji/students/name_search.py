"""One page of a name search, from the covering name indexes alone (PostgreSQL; issue #15).

search_students() finds a name through three conditions joined by OR (name, given name, former name, each by its
start; a single character as a whole name across a city or the province). PostgreSQL answers an OR through a
bitmap of row addresses and then visits every matching row: 4,500 for 王芳 across 5,000,000 records, only to sort
them for a page of thirty, and as many for a county or a school, whose jurisdiction is checked on each row visited
(a county's 87 王芳: 10 ms). Here each condition is its own index-only scan (migration 0012 puts the school, the
sort columns and the id into the indexes), narrowed to the user's schools inside the index, the three are united,
counted and sorted without touching a row, and only the page's thirty rows are read (the county's 王芳: 1 ms).

Same matches, same order (school, grade, class, name, id: the ORM's order_by in search_students) and same count
as the general query, which tests/scale/test_name_search_page.py checks on PostgreSQL for every kind of account.
Anything else (another database, a user who sees no school, other filters, a coded or longer query) returns None
and the caller takes the general query.
"""

from django.db import connection

from .models import Student
from .permissions import StudentPolicy
from .selectors import CONTAINS_FROM, ID_LIKE, NUMBER_LIKE, PINYIN_LIKE, WIDE_ROLES, as_list

TABLE = Student._meta.db_table
COLUMNS = "id, school_id, grade, school_class_id, name"


def _like_start(q: str) -> str:
    """`q` as the start of a LIKE pattern, its wildcards and escape character taken literally."""
    return q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _branches(q: str, wide: bool) -> list[tuple[str, list]] | None:
    """The SELECTs (each with its parameters) whose union is what selectors.matching(q, wide=wide) finds, each
    served by one index. Each leaves out what an earlier one finds (a record whose name and former name both
    match is found once), so they are joined by UNION ALL: no hashing of every match to drop duplicates
    (王芳: 10 → 7 ms)."""
    if ID_LIKE.match(q) or NUMBER_LIKE.match(q) or PINYIN_LIKE.match(q) or len(q) >= CONTAINS_FROM:
        return None
    if len(q) == 1 and wide:  # a surname alone is a whole name across a city or the province (matching's rule)
        return [(f"SELECT {COLUMNS} FROM {TABLE} WHERE name = %s", [q]),
                (f"SELECT {COLUMNS} FROM {TABLE} WHERE former_name = %s AND former_name <> '' AND name <> %s",
                 [q, q])]
    start = _like_start(q)
    return [(f"SELECT {COLUMNS} FROM {TABLE} WHERE name LIKE %s", [start]),
            (f"SELECT {COLUMNS} FROM {TABLE} WHERE substring(name, 2) LIKE %s AND name NOT LIKE %s", [start] * 2),
            (f"SELECT {COLUMNS} FROM {TABLE} WHERE former_name LIKE %s AND former_name <> '' "
             "AND name NOT LIKE %s AND substring(name, 2) NOT LIKE %s", [start] * 3)]


def _within(branches: list[tuple[str, list]], codes: list[str] | None) -> list[tuple[str, list]]:
    """Each SELECT narrowed to the schools `codes` (None: the whole registry). The school is in every name
    index, so the narrowing happens in the index, before any row is read."""
    if codes is None:
        return branches
    return [(f"{select} AND school_id = ANY(%s)", [*params, codes]) for select, params in branches]


def indexed_page(user, q: str, offset: int, limit: int, *, filtered: bool = False):
    """(the page's students in order, the number of matches), or None where this path does not apply."""
    q = (q or "").strip()
    if connection.vendor != "postgresql" or filtered or not q:
        return None
    branches = _branches(q, wide=getattr(user, "role", "") in WIDE_ROLES)
    if branches is None:
        return None
    codes = StudentPolicy.school_codes(user)
    if codes == []:
        return None  # no school in the jurisdiction (an auditor, a guardian, a closed account): the general path
    narrowed = _within(branches, codes)
    sql = (f"WITH m AS ({' UNION ALL '.join(select for select, _ in narrowed)}) "
           "SELECT id, count(*) OVER () FROM m ORDER BY school_id, grade, school_class_id, name, id "
           "LIMIT %s OFFSET %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*(p for _, params in narrowed for p in params), limit, offset])
        found = cursor.fetchall()
    if not found:
        return None  # past the end: the caller's general path finds the last page
    ids = [row[0] for row in found]
    rows = as_list(Student.objects.filter(pk__in=ids)).prefetch_related("school", "school_class")
    by_id = {s.pk: s for s in rows}
    return [by_id[pk] for pk in ids if pk in by_id], found[0][1]
