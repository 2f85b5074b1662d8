"""Pieces other apps' pages include: a student's applications with the registrar's buttons, and the
"全部提交注册" action of a school or class page. Each shows only what the user's role could actually do."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from xueji.students.permissions import StudentPolicy
from xueji.web.templatetags.xueji_tags import cn_date, grade_label

from .. import selectors
from ..engine import TRANSITIONS, change_type
from ..models import Application
from ..views import info_change_context, info_change_values

register = template.Library()

LEVEL_CLASSES = {"overdue": "over", "soon": "near", "ok": "ok"}


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


def _pending_types(student) -> set[str]:
    return set(Application.objects.filter(student=student, status=Application.Status.PENDING)
               .values_list("type", flat=True))


@register.inclusion_tag("applications/_student_section.html", takes_context=True)
def student_applications(context, student):
    user = _user(context)
    # The section shows each application's type, status, starter and deadline: none of the steps and evidence
    # the list's other readers (the API) fetch with it.
    applications = list(selectors.list_applications(user, student=student).prefetch_related(None)
                        .select_related(None).select_related("created_by")) if user.role != "auditor" else []
    # The school's registrar keeps the record (第三条); buttons appear only where the service would accept.
    may_file = StudentPolicy.user_can(user, "edit", student)
    pending = _pending_types(student) if may_file else set()  # what he may not start twice
    return {
        "student": student,
        "rows": [{"app": a, "due": selectors.due(a.due_date) if a.status == "pending" else None}
                 for a in applications],
        "can_register": may_file and student.status == "待注册" and "registration" not in pending
        and user.role in change_type("registration").starter_roles,
        "can_change": may_file and student.status in TRANSITIONS["info_change"] and "info_change" not in pending,
        "deadline_days": selectors.get_policy().registration_deadline_days,
        "csrf_token": context.get("csrf_token"),
        **(info_change_context(student, info_change_values(student)) if may_file else {}),
    }


@register.inclusion_tag("applications/_register_all.html", takes_context=True)
def register_all_button(context, school, school_class=None):
    user = _user(context)
    allowed = user.role in change_type("registration").starter_roles and user.school_id == school.pk
    count = selectors.awaiting_registration(user, school, school_class).count() if allowed else 0
    return {"school": school, "school_class": school_class, "count": count, "csrf_token": context.get("csrf_token")}


@register.filter
def due_class(due) -> str:
    return LEVEL_CLASSES.get(getattr(due, "level", ""), "")


@register.filter
def due_html(due) -> str:
    """A deadline as the lists show it: the date, its badge (overdue, soon, in time) and a note. A filter rather
    than an included template: the inbox and the to-do list show two per row, thirty rows a page (issue #15)."""
    if not due:
        return mark_safe('<span class="muted">—</span>')  # noqa: S308 - a constant
    note = format_html('<div class="muted small">{}</div>', due.note) if getattr(due, "note", "") else ""
    return format_html('<span class="nowrap">{}</span> <span class="badge {}" data-level="{}">{}</span>{}',
                       cn_date(due.date), due_class(due), due.level, due.text, note)


@register.simple_tag
def inbox_rows(rows, can_decide) -> str:
    """The <tr> rows of the inbox (applications/inbox.html): thirty a page, each some twenty template nodes and a
    {% url %}; joined here they take a third of the template loop's time on the page a county opens most (#15)."""
    parts = []
    for row in rows:
        app, step = row["app"], row["step"]
        pick = (format_html('<td><input type="checkbox" name="ids" value="{}" aria-label="选择申请{}"></td>',
                            app.pk, app.pk) if can_decide else "")
        grade = grade_label(app.student.grade) if app.student_id else ""
        parts.append(format_html(
            "<tr>{}"
            '<td class="nowrap"><a href="{}">{}</a><div class="muted small">#{}</div></td>'
            '<td class="nowrap">{}<div class="muted small">{}</div></td>'
            '<td class="org-name">{}</td>'
            '<td><span class="nowrap">第{}步</span> <span class="nowrap">{}</span></td>'
            "<td>{}</td><td>{}</td>"
            '<td><span class="nowrap">{}</span><div class="muted small">{}</div></td></tr>',
            pick, reverse("web:applications:detail", args=[app.pk]), app.type_label, app.pk,
            app.subject, grade, app.school.name if app.school_id else "",
            step.order, step.label, due_html(row["due"]), due_html(row["step_due"]),
            cn_date(app.created_at), app.created_by or ""))
    return mark_safe("".join(parts))  # noqa: S308 - each part went through format_html
