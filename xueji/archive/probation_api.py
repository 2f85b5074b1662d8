"""/api/v1/schools/{school_code}/probation-due and the two decisions on a 留校察看 that reached its end
(第四十条): lift it, or propose expulsion (an application of type `expulsion`, school → city)."""

from datetime import date

from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from xueji.api.common import ObjectId, errors
from xueji.applications.models import Application
from xueji.applications.schemas import ApplicationOut, application_json
from xueji.applications.selectors import with_details
from xueji.audit import services as audit
from xueji.core.masking import mask_student_number
from xueji.orgs import selectors as org_selectors

from . import probation
from .api import DisciplineOut, discipline_json

router = Router(tags=["学生档案:处分"])


class ProbationDueOut(Schema):
    discipline: DisciplineOut
    student: str = Field(description="学生标识(学籍号,G号学生为记录编号),用于 /api/v1/students/{key}")
    student_name: str
    student_number: str | None = Field(description="学籍号(G号部分隐去,第四十四条)")
    grade: int = Field(description="年级 1–12")


class LiftIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(max_length=500, description="解除说明:学生的改正表现")
    lifted_on: date | None = Field(None, description="解除日期,默认今天")


class ExpelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    misconduct: str = Field(max_length=500, description="一年内仍无改正表现的违纪事实,供市级教育主管部门审批")
    reason: str = Field("", max_length=500, description="申请说明,默认“留校察看期满仍无改正表现”")


@router.get("/schools/{school_code}/probation-due", response={200: list[ProbationDueOut], **errors(401, 404)},
            summary="留校察看期满待处理名单")
def probation_due(request, school_code: str):
    """留校察看期满、尚未解除也未提议开除的学生(第四十条)。学校解除其留校察看,或提议开除学籍。
    已在审批中的开除学籍申请的学生不再列出。"""
    school = org_selectors.find_school(request.user, school_code, purpose="probation")
    rows = list(probation.due_at(school.pk).select_related("student", "school", "recorded_by", "revoked_by"))
    audit.record(request.user, "discipline.probation_list", obj=school, details={"count": len(rows)})
    return [{"discipline": discipline_json(d), "student": d.student.key, "student_name": d.student.name,
             "student_number": mask_student_number(d.student.student_number), "grade": d.student.grade}
            for d in rows]


@router.post("/discipline/{discipline_id}/lift", response={200: DisciplineOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="解除留校察看")
def lift(request, discipline_id: ObjectId, payload: LiftIn):
    """由学生所在学校的学籍管理员解除;记入学籍档案和时间线,处分记录本身保留。"""
    item = probation.lift_probation(request.user, discipline_id, note=payload.note, lifted_on=payload.lifted_on)
    return discipline_json(item)


@router.post("/discipline/{discipline_id}/propose-expulsion",
             response={201: ApplicationOut, **errors(400, 401, 403, 404, 409, 422)}, summary="据留校察看提议开除学籍")
def propose_expulsion(request, discipline_id: ObjectId, payload: ExpelIn):
    """留校察看一年内仍无改正表现者,应开除学籍(第四十条):发起 expulsion 申请,经学校审核后报市级教育主管部门批准。
    也可以 POST /api/v1/applications `{type: "expulsion", student, misconduct}` 直接发起。"""
    application = probation.propose_expulsion(request.user, discipline_id, misconduct=payload.misconduct,
                                              reason=payload.reason)
    return Status(201, application_json(with_details(Application.objects.filter(pk=application.pk)).get()))
