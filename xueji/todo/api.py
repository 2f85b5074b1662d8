"""/api/v1/todo: the caller's pending work, soonest deadline first (design.md contract, #13 item 7)."""

import datetime

from ninja import Field, Query, Router, Schema

from xueji.api.common import PageNumber, PageSize, errors

from . import selectors
from .registry import Filters

router = Router(tags=["待办事项"])


class TodoItemOut(Schema):
    kind: str = Field(description="待办类型:step 待我审批、placement 编班审核、duplicate 疑似重复、"
                                  "registration_overdue 逾期未注册、handover 档案移交、suspension_expired 休学期满未复学…")
    id: int = Field(description="该类型内的编号(审批环节、编班方案、疑似重复、学生档案或档案移交的ID)")
    title: str = Field(description="标题")
    due_date: datetime.date | None = Field(description="办理期限;无期限为 null")
    url: str = Field(description="办理页面的路径")
    working_days_left: int | None = Field(description="审批环节剩余工作日(负数为已逾期);其他类型为 null")
    school: str = Field(description="学校标识码")
    grade: int | None = Field(description="年级 1–12")


class TodoPageOut(Schema):
    count: int = Field(description="符合条件的待办总数")
    page: int
    page_size: int
    items: list[TodoItemOut]


@router.get("", response={200: TodoPageOut, **errors(400, 401, 422)}, summary="我的待办")
def list_todo(
    request,
    kind: str = Query("", max_length=40, description="待办类型,如 step"),
    school: str = Query("", max_length=20, description="学校标识码"),
    grade: int | None = Query(None, ge=1, le=12, description="年级 1–12"),
    page: PageNumber = 1,
    page_size: PageSize = 50,
):
    """按办理期限先后排列(已逾期在前,无期限的在最后),只含调用者管辖范围内、等待其办理或督办的事项。"""
    filters = Filters(kind=kind.strip(), school=school.strip(), grade=grade)
    count, items = selectors.todo_page(request.user, filters, page, page_size)
    selectors.audit_list(request.user, filters, page, count)
    return {"count": count, "page": page, "page_size": page_size, "items": [
        {"kind": i.kind, "id": i.id, "title": i.title, "due_date": i.due_date, "url": i.url,
         "working_days_left": i.working_days_left, "school": i.school, "grade": i.grade} for i in items]}
