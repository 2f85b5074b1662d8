"""留校察看 that reached its end with no decision (第四十条), as items of the school's to-do list: the school lifts
it or proposes expulsion."""

from django.urls import reverse

from xueji.todo.registry import Described, Provider, register, shape

from .models import Discipline
from .probation import due_at


def rows(user):
    if not user.school_id:
        return Discipline.objects.none()
    return shape(due_at(user.school_id), "probation_due", due="ends_on", school="student__school_id",
                 grade="student__grade")


def describe(user, ids: list[int]) -> dict[int, Described]:
    items = Discipline.objects.filter(pk__in=ids).select_related("student").order_by()
    return {d.pk: Described(title=f"{d.student.name}·留校察看期满",
                            url=reverse("web:probation:list", args=[d.student.school_id]) + f"#p{d.pk}",
                            detail="解除留校察看,或提议开除学籍(第四十条)") for d in items}


register(Provider(kind="probation_due", label="留校察看期满", roles=("registrar", "leader"), rows=rows,
                  describe=describe))
