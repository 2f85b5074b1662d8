"""/api/v1/audit: reading the audit log and checking that its hash chain is unbroken (第四十四条)."""

from datetime import datetime
from typing import Annotated, Literal

from django.db import transaction
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from xueji.api.common import Page, PageNumber, PageSize, errors, moment_in_range, paginate
from xueji.core.errors import Forbidden
from xueji.core.masking import mask_ids_in, mask_ids_in_text
from xueji.students.selectors import audit_object_ids

from . import services
from .exports import FORMAT_DOC, XLSX_OPENAPI
from .log_export import export_log
from .models import AuditEvent
from .permissions import AuditPolicy

router = Router(tags=["审计"])


class AuditEventOut(Schema):
    id: int = Field(description="记录序号")
    at: datetime = Field(description="时间")
    actor: str = Field(description="操作账号的用户名;未登录的尝试为空")
    org_code: str = Field(description="操作账号所属单位代码")
    action: str = Field(description="操作,如 student.view、student.update、auth.login")
    object_type: str = Field(description="对象类型,如 student、school、user")
    object_id: str = Field(description="对象标识,如学籍号、学校标识码、用户名")
    source_ip: str = Field(description="来源地址")
    reason: str = Field(description="事由(如查看完整身份证件号时填写的理由)")
    outcome: str = Field(description="结果:ok 成功、denied 被拒绝(如超出管辖范围)、failed、locked")
    details: dict = Field(description="详情")


class VerifyOut(Schema):
    intact: bool = Field(description="哈希链是否完整;false 表示有记录被篡改或删除")
    checked: int = Field(description="已核验的记录数")
    broken_at: int | None = Field(None, description="第一条核验不通过的记录序号(最新记录被删除时为 null)")
    code: str = Field("", description="不完整的情形:edited 记录被改动或删除、gap 链序号断开、truncated 最新记录被删除、"
                                      "rewritten 链被重新计算、bad_checkpoint 检查点签名不符;完整时为空")
    message: str = Field("", description="中文说明;完整时为空")
    warnings: list[str] = Field([], description="不构成篡改证据但需处理的问题(中文),如库外锚定文件缺失或落后")
    unsealed: int = Field(0, description="已提交、尚待封存入链的记录数(核验前已先封存,通常为 0)")


def event_json(event: AuditEvent) -> dict:
    # A row may hold what someone typed (a search by ID number, a reason quoting one): the reader of the log
    # gets it masked like every other screen (第四十四条); the row itself stays as written for the hash chain.
    return {
        "id": event.pk, "at": event.at, "actor": event.actor_username, "org_code": event.org_code,
        "action": event.action, "object_type": event.object_type, "object_id": mask_ids_in_text(event.object_id),
        "source_ip": event.source_ip, "reason": mask_ids_in_text(event.reason), "outcome": event.outcome,
        "details": mask_ids_in(event.details),
    }


def _aware(moment: datetime | None) -> datetime | None:
    # A bare date or time in a query means Beijing time, the time every registrar reads on the wall.
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def _require_reader(user, action: str) -> None:
    if not AuditPolicy.can_read(user):
        services.record_refusal(user, action, object_type="audit", object_id="", reason="无审计查阅权限")
        raise Forbidden("只有审计员和省级教育行政部门可以查阅审计日志")


@router.get("/events", response={200: Page[AuditEventOut], **errors(400, 401, 403, 422)},
            openapi_extra=XLSX_OPENAPI, summary="查阅审计日志(format=xlsx 导出)")
def list_events(
    request,
    actor: str | None = Query(None, description="操作账号的用户名"),
    action: str | None = Query(None, description="操作;以 * 结尾时按前缀匹配,如 student.*"),
    object_id: str | None = Query(None, description="对象标识,如学籍号(也找到以档案ID记录的该生各行)"),
    outcome: str | None = Query(None, description="结果:ok、denied、failed、locked"),
    since: Annotated[datetime | None, Query(description="起始时间(含),如 2026-09-01 或 2026-09-01T08:00:00+08:00")] = None,
    until: Annotated[datetime | None, Query(description="截止时间(不含)")] = None,
    page: PageNumber = 1,
    page_size: PageSize = 50,
    format: Literal["json", "xlsx"] = Query("json", description=FORMAT_DOC),
):
    """最新的记录在前。查阅本身也记入审计日志。format=xlsx 时导出符合条件的全部记录(不分页)。"""
    _require_reader(request.user, "audit.read")
    services.seal_before_reading()
    qs = AuditPolicy.visible_to(request.user).order_by("-id")
    if actor:
        qs = qs.filter(actor_username=actor)
    if action:
        qs = qs.filter(action__startswith=action[:-1]) if action.endswith("*") else qs.filter(action=action)
    if object_id:
        qs = qs.filter(object_id__in=audit_object_ids(object_id))
    if outcome:
        qs = qs.filter(outcome=outcome)
    since, until = moment_in_range(_aware(since), "since"), moment_in_range(_aware(until), "until")
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    filters = {"actor": actor, "action": action, "object_id": object_id, "outcome": outcome,
               "since": since, "until": until}
    if format == "xlsx":
        return export_log(request.user, qs, {k: str(v) for k, v in filters.items() if v})
    body, count = paginate(qs, page, page_size, event_json)
    with transaction.atomic():
        services.record(request.user, "audit.read", object_type="audit",
                        details={k: str(v) for k, v in filters.items() if v} | {"count": count})
    return body


@router.get("/verify", response={200: VerifyOut, **errors(401, 403)}, summary="核验审计日志的哈希链")
def verify(request):
    """从第一条记录起逐条重算哈希,并与已签署的链头检查点比对:记录被改动、删除(含最新的记录)或链被重新计算,
    都会被发现。核验通过后签署新的检查点。"""
    _require_reader(request.user, "audit.verify")
    return services.verify(request.user).as_dict()
