"""The rows of the to-do list (todo/_list.html), joined in Python: a page of twenty-five items was some thirty
template nodes each, a fifth of a busy county's home page (#15), the page every officer opens first."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from xueji.applications.templatetags.applications_tags import due_html

register = template.Library()


@register.simple_tag
def todo_rows(items, batch) -> str:
    parts = []
    for item in items:
        pick = ""
        if batch:
            pick = (format_html('<td><input type="checkbox" name="ids" value="{}" aria-label="选择{}"></td>',
                                item.batch_id, item.title) if item.batch_id else mark_safe("<td></td>"))  # noqa: S308
        title = format_html('<a href="{}">{}</a>', item.url, item.title) if item.url else item.title
        detail = format_html('<div class="muted small">{}</div>', item.detail) if item.detail else ""
        overdue = mark_safe(' class="overdue"') if item.due and item.due.level == "overdue" else ""  # noqa: S308
        parts.append(format_html(
            '<tr data-kind="{}"{}>{}<td class="nowrap">{}</td><td>{}{}</td><td class="nowrap">{}</td>'
            "<td>{}</td></tr>",
            item.kind, overdue, pick, item.kind_label, title, detail, item.grade_label or "—", due_html(item.due)))
    return mark_safe("".join(parts))  # noqa: S308 - each part went through format_html
