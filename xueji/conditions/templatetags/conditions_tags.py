"""The student page's link to his graduation conditions: shown to whoever may read them, for 普通高中 students."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from xueji.conditions.permissions import ConditionsPolicy
from xueji.policy.province import SENIOR, get_policy

register = template.Library()


@register.simple_tag(takes_context=True)
def conditions_link(context, student):
    user = context["request"].user
    if get_policy().stage_of_grade(student.grade) != SENIOR or not ConditionsPolicy.user_can(user, "view", student):
        return ""
    url = reverse("web:conditions:student", args=[student.key])
    return format_html('<a class="button secondary" href="{}" data-testid="conditions-link">毕业条件</a>', url)
