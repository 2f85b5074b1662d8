"""The "您有N条超期提醒" notice on the home page."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("notices/_banner.html", takes_context=True)
def reminder_banner(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"unread": selectors.unread_count(user) if user is not None else 0}
