"""Reads of student records. Every read of one student's personal data is written to the audit log."""

import re

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Replace, Substr, Upper
from django.db.models.lookups import StartsWith

from xueji.audit import services as audit
from xueji.core.errors import NotFound
from xueji.core.inputs import parse_id

from .models import Student, StudentNumber
from .permissions import StudentPolicy

ID_LIKE = re.compile(r"^\d{15}$|^\d{17}[\dXx]$")
NUMBER_LIKE = re.compile(r"^[GJLgjl]\d{17}[\dXx]$|^[GJLgjl]\d{18}$")
PINYIN_LIKE = re.compile(r"^[A-Za-z][A-Za-z ]*$")
# The stored pinyin ("WANG FANG") without its spaces; PostgreSQL indexes exactly this expression (0008).
PINYIN_KEY = Replace(Upper("name_pinyin"), Value(" "), Value(""))
# The name after its (one-character) surname, also indexed (0008), so a search by given name needs no scan.
GIVEN_NAME = Substr("name", 2)
# Whose jurisdiction is too wide to list every name that starts with one character.
WIDE_ROLES = ("province", "city")
# From this many characters a name is also found anywhere inside (姓名中间的字), not only by its start.
CONTAINS_FROM = 3


def resolve_key(key: str, within: QuerySet[Student] | None = None) -> Student | None:
    """A student by current or earlier student number, or by record id while he has no number yet; with `within`,
    only among those records."""
    key = (key or "").strip()
    # With the school and class every record page shows; ordered by key only (the models' default orderings
    # would join the school and the class to sort a single row).
    students = (Student.objects if within is None else within).select_related("school", "school_class").order_by("pk")
    if NUMBER_LIKE.match(key):
        key = key.upper()
        # Numbers are unique for life, so the current holder is the answer when there is one (one query, the
        # common case of every record page); an earlier number is looked up among the aliases after.
        current = students.filter(student_number=key).first()
        if current is not None:
            return current
        alias = list(StudentNumber.objects.filter(number=key).values_list("student_id", flat=True).order_by()[:1])
        return students.filter(pk__in=alias).first() if alias else None
    pk = parse_id(key)
    if pk is not None:
        return students.filter(pk=pk).first()
    return None


def audit_object_ids(text: str) -> list[str]:
    """The audit log's names for the student a number names: the number typed, his other numbers and his record
    id (the key a G-numbered record is logged under, since a G number is the ID itself), so an auditor still
    finds every row by the number he knows."""
    text = (text or "").strip()
    student = resolve_key(text) if NUMBER_LIKE.match(text) else None
    if student is None:
        return [text]
    return sorted({text, text.upper(), str(student.pk), *student.numbers.values_list("number", flat=True)})


def find_student(user, key: str, *, purpose: str = "view", audit_read: bool = True) -> Student:
    """The student named by `key` if the user may read him; otherwise NotFound, and the attempt is logged."""
    # Looked up among the records the user may read, so the jurisdiction costs no query of its own.
    student = resolve_key(key, within=StudentPolicy.visible_to(user))
    if student is not None:
        StudentPolicy.seen(user, student)
    if student is None or not StudentPolicy.user_can(user, "view", student):
        raise NotFound("未找到该学生,或该学生不在您的管辖范围内",
                       actor=user, action=f"student.{purpose}", object_type="student", object_id=key)
    if audit_read:
        audit.record(user, f"student.{purpose}", obj=student)
    return student


def _numbered(number: str) -> Q:
    # The aliases are looked up first, so the search is an OR of two index probes (no join, no DISTINCT).
    earlier = list(StudentNumber.objects.filter(number=number).values_list("student_id", flat=True))
    return Q(student_number=number) | Q(pk__in=earlier)


def matching(q: str, *, wide: bool = False) -> Q:
    """What a typed query finds, each through its own index (the PostgreSQL ones are in migration 0008):
    an ID number or student number exactly; letters as the start of the name's pinyin (spaces ignored, so
    "wangf" and "WANG F" both find 王芳); otherwise the name or the former name by its start, the given name by
    its start, and from three characters on anything anywhere inside the name (a trigram index needs three
    characters to narrow a search)."""
    if ID_LIKE.match(q):
        return Q(id_number=q.upper())
    if NUMBER_LIKE.match(q):
        return _numbered(q.upper())
    if PINYIN_LIKE.match(q):
        return Q(StartsWith(PINYIN_KEY, q.upper().replace(" ", "")))
    if len(q) == 1 and wide:
        # A surname alone starts a tenth of a province's names: sorting hundreds of thousands of matches for one
        # page would stall the server, so across a city or the province one character is a whole name.
        return Q(name=q) | Q(former_name=q)
    if len(q) < CONTAINS_FROM:
        # The given name (小明 of 王小明) starts at the second character: its own index.
        return Q(name__startswith=q) | Q(StartsWith(GIVEN_NAME, q)) | Q(former_name__startswith=q)
    return Q(name__contains=q) | Q(former_name__contains=q)


def search_students(
    user,
    q: str = "",
    *,
    school: str | None = None,
    status: str | None = None,
    grade: int | None = None,
    school_class: int | None = None,
) -> QuerySet[Student]:
    """Students visible to the user matching a name, student number or ID number."""
    q = (q or "").strip()
    if q:
        # A name's matches are sorted for one page. Joined to their schools first, the planner walked a
        # school-ordered index across the whole table: the province's 4,500 王芳 took 40–110 ms at 5 M, and a
        # county's 95 张伟 55 ms (every school of the province walked, each compared with the 95 matches).
        # Unjoined, the name indexes and a top-N sort find the page (a few ms), and its 30 rows' schools and
        # classes come in two small queries.
        qs = (StudentPolicy.visible_in_schools(user).prefetch_related("school", "school_class")
              .filter(matching(q, wide=getattr(user, "role", "") in WIDE_ROLES and not (school or school_class))))
    else:
        qs = StudentPolicy.visible_to(user).select_related("school", "school_class")
    if school:
        qs = qs.filter(school_id=school)
    if status:
        qs = qs.filter(status=status)
    if grade:
        qs = qs.filter(grade=grade)
    if school_class:
        qs = qs.filter(school_class_id=school_class)
    return qs.order_by("school_id", "grade", "school_class_id", "name", "id")


# What a list of students shows (the search page's table, the API's summaries): a page reads these columns of
# its rows, not all seventy-odd of the record (issue #15: building thirty full records was a third of the page).
LIST_FIELDS = ("id", "student_number", "name", "gender", "birth_date", "id_type", "id_number", "school",
               "grade", "school_class", "status")


def as_list(students: QuerySet[Student]) -> QuerySet[Student]:
    """`students` reading only what a list shows (LIST_FIELDS)."""
    return students.only(*LIST_FIELDS)


def audit_search(user, q: str, filters: dict, count: int) -> None:
    # A search shows masked identities of many children, so it is itself a read worth recording.
    audit.record(user, "student.search", object_type="student", details={"q": q, **filters, "count": count})
