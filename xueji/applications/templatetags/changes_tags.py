"""Small helpers of the status-change pages (start forms, timeline, 督办 lists)."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, where the key is itself a variable (a form field's name)."""
    if not hasattr(mapping, "get"):
        return ""
    value = mapping.get(key)
    return "" if value is None else value


@register.filter
def proof_label(kind) -> str:
    """An evidence's kind as its name (户籍迁移证明), not its code (hukou_transfer)."""
    from xueji.applications.payload_text import proof_label as label

    return label(kind)
