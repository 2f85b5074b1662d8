"""Semester reports awaiting the bureau's review (第七条) and a school's items awaiting correction (第四十六条), as
items of the to-do list."""

from django.db.models import CharField, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from xueji.todo.registry import Described, Provider, register, shape

from .models import Correction, SemesterReport


def review_rows(user):
    # Narrowed by the (reviewer, …, status) index: reports sent to this bureau, not yet decided.
    reports = SemesterReport.objects.filter(reviewer_id=user.division_id or "", status=SemesterReport.Status.SUBMITTED)
    # A county's or city's report has no school: its column is empty, never null (the list's schema wants text).
    return shape(reports, "semester_report", due=None, school=Coalesce("school_id", Value(""), output_field=CharField()), grade=None)


def describe_reports(user, ids: list[int]) -> dict[int, Described]:
    reports = SemesterReport.objects.filter(pk__in=ids).order_by()
    return {r.pk: Described(title=f"学期报告待审核·{r.unit_name}", url=reverse("web:semester:report", args=[r.pk]),
                            detail=f"{r.term_label},第{r.version}版") for r in reports}


def correction_rows(user):
    items = Correction.objects.filter(school_id=user.school_id or "", marks__isnull=True)
    return shape(items, "correction", due=None, school="school_id", grade=None)


def describe_corrections(user, ids: list[int]) -> dict[int, Described]:
    items = Correction.objects.filter(pk__in=ids).order_by()
    return {c.pk: Described(title=f"待整改·{c.kind_label}", url=reverse("web:semester:corrections")
                            + f"?school_year={c.school_year}&term={c.term}",
                            detail=f"{c.detail}({c.articles})") for c in items}


register(Provider(kind="semester_report", label="学期报告待审核", roles=("county", "city", "province"),
                  rows=review_rows, describe=describe_reports))
register(Provider(kind="correction", label="待整改", roles=("registrar", "leader"), rows=correction_rows,
                  describe=describe_corrections))
