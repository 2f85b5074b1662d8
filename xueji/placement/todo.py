"""Placement plans waiting for the competent authority's decision (第十三条), as items of its to-do list."""

from django.urls import reverse

from xueji.todo.registry import Described, Provider, register, shape

from .models import PlacementPlan
from .selectors import plans_for


def rows(user):
    # plans_for narrows to the authority's own submitted plans (authority, status index) first.
    return shape(plans_for(user, awaiting_me=True), "placement", due=None, school="school_id", grade="grade")


def describe(user, ids: list[int]) -> dict[int, Described]:
    plans = PlacementPlan.objects.filter(pk__in=ids).select_related("school").order_by()
    return {p.pk: Described(title=f"编班审核·{p}", url=reverse("web:placement:plan", args=[p.pk]),
                            detail=f"{p.school.name}报送,待审核") for p in plans}


register(Provider(kind="placement", label="编班审核", roles=("county", "city"), rows=rows, describe=describe))
