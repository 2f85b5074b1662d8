"""/api/v1/students/{key}/discipline: a student's discipline measures (第四十条), read by whoever may read the
record and recorded by the school's registrar."""

from datetime import date, datetime

from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from xueji.api.common import ObjectId, errors
from xueji.students.selectors import find_student

from . import rules, selectors, services
from .models import Discipline

router = Router(tags=["学生档案:处分"])


class DisciplineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    level: str = Field(description=f"处分种类:{'、'.join(rules.LEVELS)}(义务教育阶段只有前三种,第四十条)")
    reason: str = Field(max_length=500, description="处分事由")
    decided_on: date = Field(description="处分决定日期")
    ends_on: date | None = Field(None, description="处分期满日期;留校察看不填则为一年后(最长一年)")


class RevokeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=500, description="撤销理由")
    revoked_on: date | None = Field(None, description="撤销日期,默认今天")


class DisciplineOut(Schema):
    id: int
    level: str = Field(description="处分种类")
    reason: str = Field(description="处分事由")
    decided_on: date
    ends_on: date | None = None
    in_archive: bool = Field(description="是否记入学籍档案(记过以上,第四十条)")
    in_force: bool = Field(description="今天是否仍在处分期内")
    school: str = Field(description="作出处分的学校标识码")
    school_name: str
    revoked_on: date | None = None
    revoke_reason: str = ""
    lifted_on: date | None = Field(None, description="留校察看的解除日期(第四十条)")
    lift_note: str = Field("", description="解除说明")
    recorded_by: str
    created_at: datetime


def discipline_json(item: Discipline) -> dict:
    return {
        "id": item.pk, "level": item.level, "reason": item.reason, "decided_on": item.decided_on,
        "ends_on": item.ends_on, "in_archive": item.in_archive, "in_force": selectors.is_in_force(item),
        "school": item.school_id, "school_name": item.school.name, "revoked_on": item.revoked_on,
        "revoke_reason": item.revoke_reason, "lifted_on": item.lifted_on, "lift_note": item.lift_note,
        "recorded_by": item.recorded_by.username,
        "created_at": item.created_at,
    }


@router.get("/students/{key}/discipline", response={200: list[DisciplineOut], **errors(401, 404)},
            summary="学生的处分记录")
def list_discipline(request, key: str):
    """不在管辖范围内的学生返回 404;每次查阅记入审计日志。"""
    student = find_student(request.user, key, purpose="discipline")
    return [discipline_json(d) for d in selectors.disciplines_of(student)]


@router.post("/students/{key}/discipline", response={201: DisciplineOut, **errors(400, 401, 403, 404, 422)},
             summary="记录处分")
def record_discipline(request, key: str, payload: DisciplineIn):
    """由学生所在学校的学籍管理员记录。义务教育阶段只能给予警告、严重警告、记过;留校察看最长一年;
    开除学籍须报市级批准,不能在此直接记录(422,第四十条):发起 expulsion 申请(POST /api/v1/applications)。
    记过以上记入学籍档案。"""
    student = find_student(request.user, key, purpose="discipline", audit_read=False)
    item = services.record_discipline(request.user, student, level=payload.level, reason=payload.reason,
                                      decided_on=payload.decided_on, ends_on=payload.ends_on)
    return Status(201, discipline_json(item))


@router.post("/discipline/{discipline_id}/revoke", response={200: DisciplineOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="撤销处分")
def revoke_discipline(request, discipline_id: ObjectId, payload: RevokeIn):
    """撤销后记录仍保留,写明撤销日期与理由。"""
    item = services.revoke_discipline(request.user, discipline_id, reason=payload.reason,
                                      revoked_on=payload.revoked_on)
    return discipline_json(item)
