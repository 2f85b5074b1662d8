"""Reads of schools' mergers and closures (第八条), through the org tree's jurisdiction."""

from django.db.models import Q, QuerySet

from xueji.orgs.models import School
from xueji.students.models import Student

from .models import Reorganisation
from .services import OPEN


def records_of(school: School) -> QuerySet[Reorganisation]:
    """The acts that closed this school or brought another school's archive to it."""
    return (Reorganisation.objects.filter(Q(school=school) | Q(into=school))
            .select_related("school", "into", "keeper_division", "recorded_by"))


def open_students(school: School) -> QuerySet[Student]:
    """Students still at a closed school: to be transferred elsewhere (第八条)."""
    return Student.objects.filter(school=school, status__in=OPEN).order_by("grade", "name", "id")
