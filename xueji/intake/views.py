"""Pages of bulk admission (upload, the check's report, commit, progress) and of suspected duplicates (the
authority's list and decision). They call the same services and selectors as /api/v1/imports and /duplicates."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from xueji.core.errors import Conflict, RuleViolation
from xueji.web.pages import form_errors, org_crumbs, page, paginate, require

from . import selectors, services
from .api import template_response
from .models import DuplicateCase, ImportBatch
from .permissions import DuplicateCasePolicy, ImportBatchPolicy

ERRORS_PER_PAGE = 100


def _importing_school(user):
    school = user.school
    require(school is not None and ImportBatchPolicy.can_import_at(user, school), "只有学校学籍管理员可以批量导入学生")
    return school


@page
@require_http_methods(["GET", "POST"])
def upload_page(request):
    user = request.user
    school = _importing_school(user)
    error_list, status = [], 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error_list, status = ["请选择要上传的表格文件(.xlsx、.xls或.csv)"], 400
        else:
            try:
                batch = services.upload(user, school, upload)
            except (RuleViolation, Conflict) as exc:
                error_list, status = form_errors(exc)[1], exc.status
            else:
                services.start(batch, services.validate)
                return redirect("web:intake:batch", batch_id=batch.pk)
    context = {
        "school": school,
        "batches": selectors.batches_for(user, school)[:20],
        "error_list": error_list,
        "crumbs": org_crumbs(user, school=school, tail="批量导入"),
    }
    return render(request, "intake/upload.html", context, status=status)


@page
def template_download(request):
    return template_response()


@page
def batch_page(request, batch_id: int):
    user = request.user
    batch = selectors.find_batch(user, batch_id)
    errors = paginate(request, batch.errors, per_page=ERRORS_PER_PAGE)
    may_change = ImportBatchPolicy.user_can(user, "commit", batch)
    context = {
        "batch": batch,
        "progress": services.progress(batch),
        "page_obj": errors,
        "can_commit": (may_change and batch.status == ImportBatch.Status.VALIDATED and batch.rows_ok > 0),
        "may_change": may_change,
        "modes": ImportBatch.Mode.choices,
        "crumbs": org_crumbs(user, school=batch.school, tail=f"导入批次#{batch.pk}"),
    }
    return render(request, "intake/batch.html", context)


@page
def progress_fragment(request, batch_id: int):
    batch = selectors.find_batch(request.user, batch_id)
    if not batch.is_running or services.is_dead(batch):
        # Done, or its process died: htmx reloads the whole page, which shows the report or what to do.
        response = HttpResponse("")
        response["HX-Refresh"] = "true"
        return response
    return render(request, "intake/_progress.html", {"batch": batch, "progress": services.progress(batch)})


@page
@require_POST
def commit_view(request, batch_id: int):
    user = request.user
    batch = selectors.find_batch(user, batch_id)
    mode = request.POST.get("mode", ImportBatch.Mode.VALID_ONLY)
    try:
        batch = services.request_commit(user, batch, mode=mode,
                                        submit_registration=request.POST.get("submit_registration") == "1")
    except (RuleViolation, Conflict) as exc:
        for text in form_errors(exc)[1]:
            messages.error(request, text)
        return redirect("web:intake:batch", batch_id=batch.pk)
    services.start(batch, services.run_commit)
    return redirect("web:intake:batch", batch_id=batch.pk)


@page
@require_POST
def retry_view(request, batch_id: int):
    user = request.user
    batch = selectors.find_batch(user, batch_id)
    try:
        batch, job = services.retry(user, batch.pk)
    except (RuleViolation, Conflict) as exc:
        for text in form_errors(exc)[1]:
            messages.error(request, text)
    else:
        services.start(batch, job)
    return redirect("web:intake:batch", batch_id=batch.pk)


@page
@require_POST
def discard_view(request, batch_id: int):
    user = request.user
    batch = selectors.find_batch(user, batch_id)
    try:
        services.discard(user, batch.pk)
    except (RuleViolation, Conflict) as exc:
        for text in form_errors(exc)[1]:
            messages.error(request, text)
    else:
        messages.success(request, "已放弃该批次,未写入任何数据。")
    return redirect("web:intake:batch", batch_id=batch.pk)


@page
def cases_page(request):
    user = request.user
    selectors.require_case_role(user)
    status = request.GET.get("status", DuplicateCase.Status.OPEN)
    status = status if status in DuplicateCase.Status.values else ""
    cases = paginate(request, selectors.cases_for(user, status or None))
    context = {
        "page_obj": cases,
        "rows": [{"case": c, "student": selectors.record_view(user, c.student),
                  "existing": selectors.record_view(user, c.existing)} for c in cases.object_list],
        "status": status,
        "statuses": DuplicateCase.Status.choices,
    }
    return render(request, "intake/cases.html", context)


DECISIONS = {"keep_both": "不是同一人:保留两条学籍", "merge": "是同一人:合并(新建学籍注销并指向已有学籍,不删除任何记录)"}


def _case_context(user, case: DuplicateCase, **extra) -> dict:
    return {
        "case": case,
        "student": selectors.record_view(user, case.student),
        "existing": selectors.record_view(user, case.existing),
        "can_decide": DuplicateCasePolicy.user_can(user, "decide", case) and case.status == DuplicateCase.Status.OPEN,
        "decisions": DECISIONS,
        **extra,
    }


@page
def case_page(request, case_id: int):
    user = request.user
    case = selectors.find_case(user, case_id)
    return render(request, "intake/case.html", _case_context(user, case))


@page
@require_POST
def reveal_view(request, case_id: int):
    """Both full ID numbers side by side, with the characters that differ marked (第四十四条: reason and audit)."""
    user = request.user
    case = selectors.find_case(user, case_id)
    reason = request.POST.get("reason", "")
    try:
        found = services.reveal_case_ids(user, case.pk, reason)
    except RuleViolation as exc:
        context = _case_context(user, case, reveal_errors=form_errors(exc)[1], reason=reason)
        return render(request, "intake/case.html", context, status=exc.status)
    revealed = {side: [(ch, i in found["differing"]) for i, ch in enumerate(found[side])]
                for side in ("student", "existing")}
    return render(request, "intake/case.html", _case_context(user, case, revealed=revealed, reason=reason))


@page
@require_POST
def decide_view(request, case_id: int):
    """Two steps: the officer's choice and grounds are shown back for confirmation; only the confirmed form
    decides. Nothing is chosen in advance (第十四条: the authority decides, not a default)."""
    user = request.user
    case = selectors.find_case(user, case_id)
    decision, comment = request.POST.get("decision", ""), request.POST.get("comment", "")
    problems = services.decision_problems(decision, comment)
    chosen = {"decision": decision, "comment": comment}
    if not DuplicateCasePolicy.user_can(user, "decide", case) or case.status != DuplicateCase.Status.OPEN:
        problems = []  # the service gives the right refusal (403, 409)
    elif problems:
        errors = [v.message for v in problems]
        return render(request, "intake/case.html", _case_context(user, case, decide_errors=errors, chosen=chosen),
                      status=422)
    elif request.POST.get("confirm") != "1":
        return render(request, "intake/case.html", _case_context(user, case, confirming=True, chosen=chosen,
                                                                 decision_label=DECISIONS[decision]))
    try:
        services.decide_case(user, case.pk, decision, comment)
    except (RuleViolation, Conflict) as exc:
        for text in form_errors(exc)[1]:
            messages.error(request, text)
    else:
        messages.success(request, "已合并:新建学籍已注销并指向已有学籍。" if decision == "merge"
                         else "已确认不是同一人,两条学籍均保留。")
    return redirect("web:intake:case", case_id=case.pk)
