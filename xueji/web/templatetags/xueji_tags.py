"""Display filters for Chinese pages: grade names, masked numbers, division names, dates."""

import datetime
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from xueji.audit import labels as audit_labels
from xueji.core.inputs import is_digits
from xueji.core.masking import (
    mask_id,
    mask_ids_in_text,
    mask_numbers_in_text,
    mask_phone,
    mask_student_number,
)
from xueji.policy import codes
from xueji.policy.areas import area_name
from xueji.policy.fields import GRADE_LABELS

register = template.Library()


@register.filter
def grade_label(grade) -> str:
    if grade in (None, ""):
        return ""
    return GRADE_LABELS.get(int(grade), f"{grade}年级")


@register.filter
def masked_id(number) -> str:
    return mask_id(number)


@register.filter
def masked_sn(number) -> str:
    """A student number as pages show it: a G number masked like the ID it contains (第四十四条)."""
    return mask_student_number(number)


@register.filter
def has_id_inside(number) -> bool:
    """Whether a student number is a G number, the ID with a letter in front (revealed only with the ID)."""
    return mask_student_number(number) != number


@register.filter
def masked_text(text) -> str:
    """Free text (an event note) with any G student number in it masked."""
    return mask_numbers_in_text(text)


@register.filter
def masked_query(text) -> str:
    """A search the officer typed, echoed in a sentence (or a reason, an audit row's object): its G numbers and
    ID numbers masked like the results below it (第四十四条); the search box itself keeps what he typed."""
    return mask_ids_in_text(text) or ""


@register.filter
def masked_phone(phone) -> str:
    return mask_phone(phone)


@register.filter
def cn_date(value) -> str:
    """2015年3月2日; a datetime is shown in local time with hours and minutes."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def cn_yearmonth(value) -> str:
    text = str(value or "")
    if len(text) == 6 and is_digits(text):
        return f"{text[:4]}年{int(text[4:])}月"
    return text


@register.filter
def division_name(code) -> str:
    """山西省太原市小店区 for 140105 (or a 12-digit statistical code starting with it)."""
    code = str(code or "")[:6]
    if len(code) != 6 or not is_digits(code):
        return ""
    parts = []
    for prefix in (code[:2] + "0000", code[:4] + "00", code):
        name = area_name(prefix)
        if name and name not in parts:
            parts.append(name)
    return "".join(parts)


@register.filter
def action_label(action) -> str:
    return audit_labels.action_label(action)


@register.filter
def outcome_label(outcome) -> str:
    return audit_labels.outcome_label(outcome)


@register.filter
def code_label(code, table: str) -> str:
    """The Chinese label of a code from a table of xueji.policy.codes, e.g. {{ s.gender|code_label:"GENDER" }}."""
    if code in (None, ""):
        return ""
    return codes.label(getattr(codes, table, {}), code, str(code))


@register.filter
def object_label(object_type) -> str:
    return audit_labels.object_label(object_type)


@register.filter
def record_fields(fields, plain: str = "") -> str:
    """The <div class="f"> items of a record section (web/record_form.py's view_sections and view_family).

    A record page shows some seventy items: joined here they cost a fraction of a template loop's nodes, on the
    page the county reads most (issue #15). With "plain" (the guardian's page) neither codes nor the 受控 mark."""
    parts = []
    for f in fields:
        mark = ("" if plain or not f.get("controlled") else
                format_html(' <span class="badge near" title="{}">受控</span>', f.get("note", "")))
        if not plain and f.get("name") == "id_number":  # the masked ID, in type, a dash when absent
            value = format_html('<span class="mono">{}</span>', f["text"] or "—")
        elif not f["text"]:
            value = mark_safe('<span class="unset">未填写</span>')  # noqa: S308 - a constant
        elif not plain and f["code"] and f["code"] != f["text"]:
            value = format_html('{}<span class="code">{}</span>', f["text"], f["code"])
        else:
            value = f["text"]
        parts.append(format_html('<div class="f"><dt><span class="item-no">{}</span>{}{}</dt><dd>{}</dd></div>',
                                 f["item"], f["label"], mark, value))
    return mark_safe("".join(parts))  # noqa: S308 - each part went through format_html


@register.filter
def student_rows(students, show_school=False) -> str:
    """The <tr> rows of a student list (students/_student_table.html): the search, the province's and a class's
    lists. Thirty rows of nine cells, four filters and a {% url %} each, joined here instead of a template loop
    (#15: the loop was a quarter of a search page's time)."""
    unplaced = mark_safe('<td><span class="unset">未分班</span></td>')  # noqa: S308 - a constant
    parts = []
    for s in students:
        school = format_html("<td>{}</td>", s.school.name) if show_school else ""
        klass = format_html("<td>{}</td>", s.school_class.name) if s.school_class_id else unplaced
        parts.append(format_html(
            '<tr><td><a href="{}">{}</a></td><td class="mono">{}</td><td>{}</td><td class="nowrap">{}</td>'
            '<td class="mono">{}</td>{}<td>{}</td>{}<td><span class="badge {}">{}</span></td></tr>',
            reverse("web:students:detail", args=[s.key]), s.name, masked_sn(s.student_number) or "—",
            code_label(s.gender, "GENDER"), cn_date(s.birth_date), masked_id(s.id_number) or "—", school,
            grade_label(s.grade), klass, s.status, s.status))
    return mark_safe("".join(parts))  # noqa: S308 - each part went through format_html


@register.filter
def school_rows(schools) -> str:
    """The <tr> rows of a division's school table (web/_division_tables.html) with their counts. A busy county
    has ninety schools of seven cells and a {% url %} each: joined here instead of a template loop (#15: the
    loop was a third of the county home page's time)."""
    model = mark_safe(' <span class="badge">省级示范</span>')  # noqa: S308 - a constant
    # One reverse() for the table: a school's address is its code (ten digits) between the same two parts.
    head, _, tail = reverse("web:orgs:school", args=["0"]).rpartition("/0/")
    parts = []
    for s in schools:
        parts.append(format_html(
            '<tr><td class="mono">{}</td><td><a href="{}/{}/{}">{}</a>{}</td><td>{}</td><td>{}</td>'
            '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>',
            s.code, head, quote(s.code, safe=""), tail, s.name, model if s.provincial_model else "",
            s.type_label, s.get_ownership_display(), s.enrolled, s.pending, s.total))
    return mark_safe("".join(parts))  # noqa: S308 - each part went through format_html
