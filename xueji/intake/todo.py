"""Suspected duplicate records (第十四条) waiting for the deciding authority, as items of its to-do list."""

from django.urls import reverse

from xueji.todo.registry import Described, Provider, register, shape

from .models import DuplicateCase
from .permissions import DECIDING_ROLES


def rows(user):
    # Only the authority that decides the case has it to do; the city and province above watch the cases page.
    cases = DuplicateCase.objects.filter(status=DuplicateCase.Status.OPEN, authority_id=user.division_id or "")
    return shape(cases, "duplicate", due=None, school="school_id", grade="student__grade")


def describe(user, ids: list[int]) -> dict[int, Described]:
    cases = DuplicateCase.objects.filter(pk__in=ids).select_related("student", "school").order_by()
    return {c.pk: Described(title=f"疑似重复学籍·{c.student.name}", url=reverse("web:intake:case", args=[c.pk]),
                            detail=c.school.name) for c in cases}


register(Provider(kind="duplicate", label="疑似重复", roles=tuple(DECIDING_ROLES), rows=rows, describe=describe))
