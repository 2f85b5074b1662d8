"""/api/v1/students/{key}/awards and /api/v1/awards/{award_id}: a student's awards (第三十九条), read by whoever
may read the record, recorded and withdrawn by the school's registrar, with the certificate's scan."""

from datetime import date, datetime
from typing import Annotated

from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict

from xueji.api.common import ObjectId, errors
from xueji.students.selectors import find_student

from . import awards, rules
from .award_views import scan_response
from .models_awards import Award

router = Router(tags=["学生档案:奖励"])


class AwardIn(Schema):
    model_config = ConfigDict(extra="forbid")

    level: str = Field(description=f"奖励级别:{'、'.join(rules.AWARD_LEVELS)}(校级以上记入学籍档案,第三十九条)")
    title: str = Field(max_length=100, description="奖励名称,如“三好学生”")
    awarding_body: str = Field(max_length=100, description="授奖单位,如“太原市教育局”")
    awarded_on: date = Field(description="获奖日期")


class AwardRevokeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=500, description="撤销理由")
    revoked_on: date | None = Field(None, description="撤销日期,默认今天")


class AwardOut(Schema):
    id: int
    level: str = Field(description="奖励级别")
    title: str = Field(description="奖励名称")
    awarding_body: str = Field(description="授奖单位")
    awarded_on: date
    has_scan: bool = Field(description="是否有获奖证书扫描件;有则可由 GET /api/v1/awards/{id}/scan 下载")
    school: str = Field(description="记录奖励的学校标识码")
    school_name: str
    revoked_on: date | None = None
    revoke_reason: str = ""
    recorded_by: str
    created_at: datetime


def award_json(item: Award) -> dict:
    return {
        "id": item.pk, "level": item.level, "title": item.title, "awarding_body": item.awarding_body,
        "awarded_on": item.awarded_on, "has_scan": item.has_scan, "school": item.school_id,
        "school_name": item.school.name, "revoked_on": item.revoked_on, "revoke_reason": item.revoke_reason,
        "recorded_by": item.recorded_by.username, "created_at": item.created_at,
    }


@router.get("/students/{key}/awards", response={200: list[AwardOut], **errors(401, 404)}, summary="学生的奖励记录")
def list_awards(request, key: str):
    """撤销的奖励也列出(写明撤销日期与理由)。不在管辖范围内的学生返回 404;每次查阅记入审计日志。"""
    student = find_student(request.user, key, purpose="awards")
    return [award_json(a) for a in awards.awards_of(student)]


@router.post("/students/{key}/awards", response={201: AwardOut, **errors(400, 401, 403, 404, 422)}, summary="记录奖励")
def record_award(request, key: str, payload: AwardIn):
    """由学生所在学校的学籍管理员记录校级以上奖励,记入学籍档案和学籍时间线(第三十九条)。
    证书扫描件另以 POST /api/v1/awards/{id}/scan 上传。"""
    student = find_student(request.user, key, purpose="awards", audit_read=False)
    item = awards.record_award(request.user, student, level=payload.level, title=payload.title,
                               awarding_body=payload.awarding_body, awarded_on=payload.awarded_on)
    return Status(201, award_json(item))


@router.post("/awards/{award_id}/scan", response={200: AwardOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="上传获奖证书扫描件")
def upload_scan(request, award_id: ObjectId,
                file: Annotated[UploadedFile, File(description="JPG、PNG 或 PDF 扫描件")]):
    """multipart/form-data,文件放在 file 中。扫描件入档后不能替换(已有则 409)。"""
    return award_json(awards.attach_scan(request.user, award_id, file))


@router.get("/awards/{award_id}/scan", response={200: None, **errors(401, 404)}, summary="下载获奖证书扫描件")
def download_scan(request, award_id: ObjectId):
    """只有可查看该学生的账号能下载;每次下载记入审计日志。"""
    return scan_response(request.user, awards.find_award(request.user, award_id, purpose="scan_view"))


@router.post("/awards/{award_id}/revoke", response={200: AwardOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="撤销奖励")
def revoke_award(request, award_id: ObjectId, payload: AwardRevokeIn):
    """撤销后记录仍保留在档案中,写明撤销日期与理由。"""
    return award_json(awards.revoke_award(request.user, award_id, reason=payload.reason,
                                          revoked_on=payload.revoked_on))
