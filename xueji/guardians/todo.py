"""A guardian's reported error (第十一、四十三条) as the school registrar's to-do item, until he handles it."""

from django.db.models import CharField, Value
from django.urls import reverse

from xueji.policy import guardians as rules
from xueji.todo.registry import Described, Provider, register, shape

from .models import ErrorReport


def rows(user):
    open_reports = ErrorReport.objects.filter(school_id=user.school_id or "", handled_at__isnull=True)
    # No deadline is set by the regulation; the reports sort after the dated work, oldest first by id.
    return shape(open_reports, "guardian_report", due=None, school=Value(user.school_id, CharField()),
                 grade="student__grade")


def describe(user, ids: list[int]) -> dict[int, Described]:
    items = ErrorReport.objects.filter(pk__in=ids).select_related("student").order_by()
    return {r.pk: Described(title=f"家长反馈信息有误·{r.student.name}",
                            url=reverse("web:guardians:reports", args=[r.school_id]),
                            detail=f"有误项目:{rules.field_label(r.field)}") for r in items}


register(Provider(kind="guardian_report", label="家长反馈", roles=("registrar",), rows=rows, describe=describe))
