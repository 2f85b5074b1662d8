"""Template helpers for pages that offer a printed form."""

from django import template

from xueji.forms.change_forms import form_for

register = template.Library()


@register.filter
def change_form_annex(application) -> str:
    """附件7 … for an application whose type has a paper form, "" otherwise (the page then offers no button)."""
    form = form_for(getattr(application, "type", ""))
    return form.annex if form else ""
