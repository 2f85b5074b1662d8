"""The awards section of the student page (第三十九条): the awards in the archive, and for the school's registrar
the small form."""

from django import template
from django.utils import timezone

from xueji.students.permissions import StudentPolicy

from .. import awards, rules

register = template.Library()


@register.inclusion_tag("archive/_awards_section.html", takes_context=True)
def award_section(context, student):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return {
        "student": student,
        "rows": list(awards.awards_of(student)),
        "may_record": StudentPolicy.user_can(user, "edit", student),
        "levels": rules.AWARD_LEVELS,
        "today": timezone.localdate(),
        "csrf_token": context.get("csrf_token"),
    }
