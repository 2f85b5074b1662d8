"""/api/v1/reminders: the caller's own reminders of overdue steps."""

from datetime import date, datetime

from ninja import Field, Query, Router, Schema

from xueji.api.common import ObjectId, errors
from xueji.audit import services as audit

from . import selectors, services

router = Router(tags=["超期提醒"])


class ReminderOut(Schema):
    id: int = Field(description="提醒ID")
    day: date = Field(description="提醒日期(每个超期环节每位办理人每天至多一条)")
    message: str = Field(description="提醒内容")
    created_at: datetime = Field(description="生成时间")
    read_at: datetime | None = Field(None, description="阅读时间;未读为 null")
    application: int = Field(description="申请ID")
    application_type: str = Field(description="申请类型")
    step: int = Field(description="环节序号")
    step_label: str = Field(description="环节名称")
    step_status: str = Field(description="环节当前状态;已办理的提醒不再计入未读数")
    due_date: date | None = Field(None, description="环节到期日")


class RemindersOut(Schema):
    unread: int = Field(description="有未读提醒且仍未办理的超期环节数(首页“您有N条超期提醒”)")
    results: list[ReminderOut]


def reminder_json(r) -> dict:
    step = r.step
    return {"id": r.pk, "day": r.day, "message": r.message, "created_at": r.created_at, "read_at": r.read_at,
            "application": step.application_id, "application_type": step.application.type, "step": step.order,
            "step_label": step.label, "step_status": step.status, "due_date": step.due_date}


@router.get("", response={200: RemindersOut, **errors(401)}, summary="我的超期提醒")
def list_reminders(request, unread: bool = Query(False, description="只列未读的"),
                   limit: int = Query(100, ge=1, le=500, description="至多返回条数")):
    """只返回本人的提醒,最新在前。每次查阅记入审计日志。提醒由每日运行的 `xueji remind` 生成。"""
    user = request.user
    rows = list(selectors.reminders_for(user, unread=unread)[:limit])
    audit.record(user, "reminder.list", object_type="reminder", details={"unread": unread, "count": len(rows)})
    return {"unread": selectors.unread_count(user), "results": [reminder_json(r) for r in rows]}


@router.post("/{reminder_id}/read", response={200: ReminderOut, **errors(401, 404)}, summary="标记为已读")
def read_reminder(request, reminder_id: ObjectId):
    """同一环节的更早未读提醒一并标记已读。不是本人的提醒返回 404。"""
    return reminder_json(services.mark_read(request.user, reminder_id))
