"""The certificates section of the student page: his certificates, their PDFs, and the way to a 学历证明."""

from django import template

from xueji.students.permissions import StudentPolicy

from ..models import Certificate
from ..permissions import CertificatePolicy

register = template.Library()


@register.inclusion_tag("certificates/_student_section.html", takes_context=True)
def certificates_section(context, student):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    rows = list(Certificate.objects.filter(student=student).select_related("school", "school__county",
                                                                           "school__city", "proves")
                .order_by("issued_on", "id"))
    return {
        "student": student,
        "rows": [{"item": c, "second_proof": c.kind != "学历证明" and CertificatePolicy.user_can(user, "second_proof", c)}
                 for c in rows],
        "may_start": StudentPolicy.user_can(user, "edit", student),
    }
