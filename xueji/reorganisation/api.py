"""/api/v1/schools/{code}/merge, …/close and …/reorganisation: a school's merger into another or its closure
(第八条), recorded by its competent authority; the state of a school and the students left to transfer."""

import datetime

from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from xueji.api.common import errors
from xueji.audit import services as audit
from xueji.core.masking import mask_student_number
from xueji.orgs.selectors import find_school

from . import selectors, services
from .models import Reorganisation

router = Router(tags=["学校合并与撤销"])


class MergeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    into: str = Field(max_length=10, description="并入的学校标识码")
    decided_on: datetime.date = Field(description="合并生效日期(不晚于今天)")
    document: str = Field("", max_length=100, description="批准文号")
    reason: str = Field("", max_length=500, description="说明")


class CloseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    keeper_school: str | None = Field(None, max_length=10, description="接收学籍档案的学校标识码")
    keeper_authority: bool = Field(False, description="由登记的主管部门自行保管档案(与 keeper_school 二选一)")
    decided_on: datetime.date = Field(description="撤销生效日期(不晚于今天)")
    document: str = Field("", max_length=100, description="批准文号")
    reason: str = Field("", max_length=500, description="说明")


class ReorganisationOut(Schema):
    id: int
    kind: str = Field(description="merger(合并)或 closure(撤销)")
    kind_label: str
    school: str = Field(description="撤并的学校标识码")
    school_name: str
    into: str | None = Field(None, description="并入的学校或档案接收学校")
    keeper_division: str | None = Field(None, description="保管档案的主管部门(行政区划代码)")
    decided_on: datetime.date
    document: str
    reason: str
    counts: dict = Field(description="移交情况:students, enrolments, classes, campuses, archive_items, "
                                     "applications;撤销时 open_students(待转学)、finished_students")
    recorded_by: str
    created_at: datetime.datetime


class OpenStudentOut(Schema):
    student_number: str | None
    name: str
    grade: int
    status: str


class SchoolStateOut(Schema):
    school: str
    name: str
    closed_on: datetime.date | None = None
    closure: str = Field("", description="merged(已合并)、closed(已撤销)或空(办学中)")
    archive_school: str | None = Field(None, description="保管其学籍档案的学校")
    archive_division: str | None = Field(None, description="保管其学籍档案的主管部门")
    absorbed: list[str] = Field(description="档案由本校保管的已撤并学校")
    records: list[ReorganisationOut]
    open_students: list[OpenStudentOut] = Field(description="撤销后仍在该校、待转学的学生")


def record_json(row: Reorganisation) -> dict:
    return {"id": row.pk, "kind": row.kind, "kind_label": row.get_kind_display(), "school": row.school_id,
            "school_name": row.school.name, "into": row.into_id, "keeper_division": row.keeper_division_id,
            "decided_on": row.decided_on, "document": row.document, "reason": row.reason, "counts": row.counts,
            "recorded_by": row.recorded_by.username, "created_at": row.created_at}


@router.get("/schools/{code}/reorganisation", response={200: SchoolStateOut, **errors(401, 404)},
            summary="学校的撤并情况")
def school_state(request, code: str):
    """办学中或已撤并;档案由谁保管;撤销后待转学的学生(学籍号已遮盖)。不在管辖范围内的学校返回 404。"""
    school = find_school(request.user, code, purpose="reorganisation")
    audit.record(request.user, "school.reorganisation", obj=school)
    pupils = selectors.open_students(school) if school.is_closed else []
    return {
        "school": school.pk, "name": school.name, "closed_on": school.closed_on, "closure": school.closure,
        "archive_school": school.archive_school_id, "archive_division": school.archive_division_id,
        "absorbed": list(school.archives_received.values_list("code", flat=True)),
        "records": [record_json(r) for r in selectors.records_of(school)],
        "open_students": [{"student_number": mask_student_number(s.student_number) if s.student_number else None,
                           "name": s.name, "grade": s.grade, "status": s.status} for s in pupils],
    }


@router.post("/schools/{code}/merge", response={201: ReorganisationOut, **errors(400, 401, 403, 404, 422)},
             summary="登记学校合并")
def merge(request, code: str, payload: MergeIn):
    """学校的学籍主管部门登记。在一个事务中:该校全部学生学籍、在校经历、班级与校区、学籍档案材料和审批中的申请
    移交并入的学校,每名学生的学籍变动记录写明原因;该校标为已合并,仍可查阅(第八条)。"""
    row = services.merge(request.user, code, into=payload.into, decided_on=payload.decided_on,
                         document=payload.document, reason=payload.reason)
    return Status(201, record_json(row))


@router.post("/schools/{code}/close", response={201: ReorganisationOut, **errors(400, 401, 403, 404, 422)},
             summary="登记学校撤销")
def close(request, code: str, payload: CloseIn):
    """学校的学籍主管部门登记并指定学籍档案接收单位(一所学校或主管部门自己)。已离校学生的档案移交接收学校;
    仍在校的学生列入待转学名单(见 GET …/reorganisation)。撤销后的学校不再接收新生、导入和转入(第八条)。"""
    row = services.close(request.user, code, keeper_school=payload.keeper_school,
                         keeper_authority=payload.keeper_authority, decided_on=payload.decided_on,
                         document=payload.document, reason=payload.reason)
    return Status(201, record_json(row))
