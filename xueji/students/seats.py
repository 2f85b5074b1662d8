"""How many seats of a class are taken, for the caps of 第十三条.

Placement owns the full count (seated students, visiting students sitting there, seats that pending placement plans
hold) and registers it here from its AppConfig.ready(), so the record can check a class's room without importing
placement. Without a registered count, only the seated students count.
"""

from collections.abc import Callable

from django.db.models import Count

from .models import Status, Student

SEATED = (Status.PENDING, Status.ENROLLED, Status.SUSPENDED)

_counter: list[Callable[[list[int]], dict[int, int]]] = []


def register(counter: Callable[[list[int]], dict[int, int]]) -> None:
    _counter[:] = [counter]


def taken(class_ids: list[int]) -> dict[int, int]:
    if _counter:
        return _counter[0](list(class_ids))
    seated = dict(Student.objects.filter(school_class_id__in=class_ids, status__in=SEATED)
                  .values_list("school_class_id").annotate(n=Count("id")).order_by())
    return {pk: seated.get(pk, 0) for pk in class_ids}

