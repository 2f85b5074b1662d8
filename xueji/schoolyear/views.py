"""学年升级 pages for the province officer: open the next school year (with a confirmation), follow its progress
(htmx polling) and its counts, verify the audited digest. The services decide; these only render."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xueji.core.errors import ServiceError
from xueji.core.inputs import FIRST_YEAR, LAST_YEAR, parse_int
from xueji.policy.promotion import school_year_label
from xueji.web.pages import form_errors, is_htmx, page, require

from . import services
from .models import Rollover
from .permissions import RolloverPolicy

PROVINCE_ONLY = "只有省级教育行政部门可以开启和查看学年升级"
CRUMB = {"label": "学年升级", "url": None}


def _index_context(request, **extra) -> dict:
    current = services.current_school_year()
    return {"current": current, "current_label": school_year_label(current), "next_year": current + 1,
            "next_label": school_year_label(current + 1), "jobs": Rollover.objects.all(),
            "errors": {}, "error_list": [], "crumbs": [CRUMB], **extra}


@page
def index(request):
    require(RolloverPolicy.user_can(request.user, "view"), PROVINCE_ONLY)
    return render(request, "schoolyear/index.html", _index_context(request))


@page
@require_POST
def start(request):
    require(RolloverPolicy.user_can(request.user, "start"), PROVINCE_ONLY)
    year = parse_int(request.POST.get("year"), FIRST_YEAR, LAST_YEAR)
    if request.POST.get("confirm") != "1":
        context = _index_context(request, error_list=["请勾选确认:开启后全省在籍学生将升入下一年级,不能撤回"])
        return render(request, "schoolyear/index.html", context, status=422)
    try:
        job = services.start(request.user, year if year is not None else -1)
    except ServiceError as exc:
        if exc.status == 403:
            raise
        errors, error_list = form_errors(exc)
        return render(request, "schoolyear/index.html", _index_context(request, errors=errors, error_list=error_list),
                      status=exc.status)
    messages.success(request, f"已开启{school_year_label(job.school_year)}的升级。")
    return redirect(reverse("web:schoolyear:detail", args=[job.school_year]))


def _detail_context(job: Rollover) -> dict:
    return {"job": job, "label": school_year_label(job.school_year), "counts": services.counts(job),
            "alive": services.is_alive(job)}


@page
def detail(request, year: int):
    job = services.job_for(request.user, year)
    context = _detail_context(job) | {"crumbs": [{"label": "学年升级", "url": reverse("web:schoolyear:index")},
                                                 {"label": school_year_label(year), "url": None}]}
    return render(request, "schoolyear/detail.html", context)


@page
def progress(request, year: int):
    job = services.job_for(request.user, year)
    response = render(request, "schoolyear/_progress.html", _detail_context(job))
    if not job.is_running and is_htmx(request):
        # The card alone would say 已完成 under a head still reading 进行中, without the digest or the
        # verify button: reload the whole page once (the reloaded card no longer polls).
        response["HX-Refresh"] = "true"
    return response


@page
@require_POST
def resume(request, year: int):
    """A job whose process died (a server restart) is taken over and run on."""
    job = services.start(request.user, services.job_for(request.user, year).school_year)
    messages.success(request, f"已继续执行{school_year_label(job.school_year)}的升级。")
    return redirect(reverse("web:schoolyear:detail", args=[year]))


@page
@require_POST
def verify(request, year: int):
    require(RolloverPolicy.user_can(request.user, "verify"), PROVINCE_ONLY)
    result = services.verify(request.user, year)
    if result["intact"]:
        messages.success(request, f"核验通过:{result['promotions']}条升级记录与审计日志中的校验值一致。")
    else:
        messages.error(request, "核验未通过:升级记录与审计日志中的校验值不一致,升级记录可能被改动,请报告审计员。")
    return redirect(reverse("web:schoolyear:detail", args=[year]))
