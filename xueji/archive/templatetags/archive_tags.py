"""The discipline section of the student page: the measures, and for the school's registrar the small form."""

from django import template
from django.utils import timezone

from xueji.policy.province import get_policy
from xueji.students.permissions import StudentPolicy

from .. import rules, selectors

register = template.Library()


@register.inclusion_tag("archive/_discipline_section.html", takes_context=True)
def discipline_section(context, student):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    today = timezone.localdate()
    items = list(selectors.disciplines_of(student))
    may_record = StudentPolicy.user_can(user, "edit", student)
    compulsory = get_policy().is_compulsory(student.grade)
    levels = rules.COMPULSORY_LEVELS if compulsory else rules.LEVELS[:-1]
    return {
        "student": student,
        "rows": [{"item": d, "in_force": selectors.is_in_force(d, today), "due": _due(d, today)} for d in items],
        "may_record": may_record,
        "levels": levels,
        "compulsory": compulsory,
        "today": today,
        "csrf_token": context.get("csrf_token"),
    }


def _due(item, today) -> bool:
    """A 留校察看 at its end with no decision yet: the school lifts it or proposes expulsion (第四十条)."""
    return (item.level == rules.PROBATION and item.revoked_on is None and item.lifted_on is None
            and item.ends_on is not None and item.ends_on <= today)
