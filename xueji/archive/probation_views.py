"""The school's list of 留校察看 that reached their end (第四十条), and its two decisions: lift or propose
expulsion."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from xueji.audit import services as audit
from xueji.core.errors import Conflict, RuleViolation
from xueji.orgs import selectors as org_selectors
from xueji.web.pages import flash_refusal, page

from . import probation
from .selectors import find_discipline


@page
def list_page(request, code: str):
    school = org_selectors.find_school(request.user, code, purpose="probation")
    rows = list(probation.due_at(school.pk).select_related("student", "school"))
    audit.record(request.user, "discipline.probation_list", obj=school, details={"count": len(rows)})
    may_act = request.user.role == "registrar" and request.user.school_id == school.pk
    return render(request, "archive/probation_list.html",
                  {"school": school, "rows": rows, "may_act": may_act, "today": timezone.localdate()})


@page
@require_POST
def lift_page(request, pk: int):
    item = find_discipline(request.user, pk, purpose="lift")
    try:
        probation.lift_probation(request.user, pk, note=request.POST.get("note", ""))
    except (RuleViolation, Conflict) as exc:
        flash_refusal(request, exc, "解除留校察看")
    else:
        messages.success(request, f"已解除{item.student.name}的留校察看,记入学籍档案。")
    return redirect(reverse("web:probation:list", args=[item.student.school_id]))


@page
@require_POST
def expel_page(request, pk: int):
    item = find_discipline(request.user, pk, purpose="expel")
    try:
        application = probation.propose_expulsion(request.user, pk, misconduct=request.POST.get("misconduct", ""),
                                                  evidence=request.FILES.getlist("evidence"))
    except (RuleViolation, Conflict) as exc:
        flash_refusal(request, exc, "提议开除学籍")
        return redirect(reverse("web:probation:list", args=[item.student.school_id]))
    messages.success(request, "已发起开除学籍申请,经学校审核后报市级教育主管部门批准(第四十条)。")
    return redirect(reverse("web:applications:detail", args=[application.pk]))
