"""The student archive section of the record page: items, certificates, the paper folder's location, and for
the school's registrar the forms to file, correct and move."""

from django import template
from django.utils import timezone

from xueji.policy.archive_items import KINDS, SENIOR_ONLY
from xueji.policy.province import SENIOR, stage_of_grade
from xueji.students.permissions import StudentPolicy

from .. import item_selectors as selectors

register = template.Library()


@register.inclusion_tag("archive/_items_section.html", takes_context=True)
def archive_items_section(context, student):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    senior = stage_of_grade(student.grade) == SENIOR
    locations = list(selectors.locations_of(student))
    return {
        "student": student,
        "rows": [{"item": i, "superseded": selectors.is_superseded(i)} for i in selectors.items_of(student)],
        "certificates": list(selectors.certificates_of(student)),
        "location": locations[-1] if locations else None,
        "earlier_locations": locations[:-1][::-1],
        "may_file": StudentPolicy.user_can(user, "edit", student),
        "kinds": [(code, label) for code, label in KINDS.items() if senior or code not in SENIOR_ONLY],
        "today": timezone.localdate(),
        "csrf_token": context.get("csrf_token"),
    }
