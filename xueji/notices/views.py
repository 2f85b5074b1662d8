"""The reminders page: the user's own reminders of overdue steps, and marking them read."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xueji.audit import services as audit
from xueji.web.pages import page, paginate

from . import selectors, services


@page
def list_page(request):
    user = request.user
    page_obj = paginate(request, selectors.reminders_for(user))
    audit.record(user, "reminder.list", object_type="reminder", details={"count": page_obj.paginator.count})
    context = {"page_obj": page_obj, "reminders": page_obj.object_list, "unread": selectors.unread_count(user),
               "crumbs": [{"label": "超期提醒", "url": None}]}
    return render(request, "notices/list.html", context)


@page
@require_POST
def read_page(request, pk: int):
    services.mark_read(request.user, pk)
    messages.success(request, "已标记为已读。")
    return redirect("web:notices:list")
