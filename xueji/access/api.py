"""/api/v1/access: access applications and grants, a grant holder's reading, the consultation register
(第四十四条); and /api/v1/schools/{code}/roster, the 附件3 roster export behind the same gate."""

from datetime import date
from typing import Annotated, Literal

from django.http import HttpResponse
from django.utils import timezone
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from xueji.api.common import ObjectId, Page, PageNumber, PageSize, errors, paginate
from xueji.applications.schemas import step_json
from xueji.core.spreadsheets import XLSX_TYPE, content_disposition
from xueji.policy.access import REQUESTER_KINDS, USES

from . import selectors, services
from .models import AccessGrant
from .roster import as_dicts, filename, xlsx

router = Router(tags=["查阅审批与查阅登记"])
roster_router = Router(tags=["查阅审批与查阅登记"])


class AccessIn(Schema):
    use: Literal["view", "export"] = Field(description="用途:view 屏幕查阅,export 导出")
    scope_kind: Literal["students", "school", "division"] = Field(
        description="范围:students 指定学生、school 一所学校、division 一个行政区划")
    students: list[Annotated[str, Field(max_length=19)]] | None = Field(
        None, max_length=500, description="scope_kind=students 时的学籍号列表")
    school: str | None = Field(None, max_length=10, description="scope_kind=school 时的学校标识码")
    division: str | None = Field(None, max_length=6, description="scope_kind=division 时的行政区划代码")
    grade: int | None = Field(None, ge=1, le=12, description="只限一个年级时填写(1–12),否则留空")
    purpose: str = Field(max_length=500, description="查阅事由")
    requester_kind: str = Field("self", max_length=12, description="申请方类别:" + "、".join(
        f"{k} {v}" for k, v in REQUESTER_KINDS.items()))
    requester_name: str = Field("", max_length=100, description="外部申请方的单位或个人名称")
    grantee: str | None = Field(None, max_length=150, description="获准使用该批准的账号用户名;默认为申请人本人")
    valid_from: date = Field(description="有效期起")
    valid_until: date = Field(description="有效期止")


class AccessApplicationOut(Schema):
    id: int
    status: str = Field(description="pending 审批中、approved 已批准、rejected 已驳回、cancelled 已撤销")
    status_label: str
    filed_by: str = Field(description="申请人用户名")
    created_at: object
    payload: dict = Field(description="申请内容:use、scope_kind、scope_label、purpose、requester_kind、requester_name、"
                                      "grantee、valid_from、valid_until")
    steps: list[dict] = Field(description="审批环节")
    grant: int | None = Field(None, description="批准后生成的查阅批准编号")


class GrantOut(Schema):
    id: int
    application: int
    grantee: str
    use: str
    use_label: str
    scope_kind: str
    scope_label: str
    school: str | None
    division: str | None
    grade: int | None
    purpose: str
    requester_kind: str
    requester_name: str
    valid_from: date
    valid_until: date
    granted_org: str
    revoked_at: object = None
    revoke_reason: str = ""
    live: bool = Field(description="今天是否有效(未撤销且在有效期内)")


class RevokeIn(Schema):
    reason: str = Field(max_length=500, description="撤销理由")


class RejectIn(Schema):
    comment: str = Field(max_length=500, description="驳回理由")


class EntryOut(Schema):
    id: int
    at: object
    user: str
    org_code: str
    grant: int | None
    basis: str = Field(description="grant 经批准、daily 日常工作、none 无批准(被拒绝)")
    basis_label: str
    use: str
    use_label: str
    outcome: str = Field(description="ok 已查阅/导出、denied 已拒绝")
    outcome_label: str
    what: str
    school: str | None
    school_name: str | None
    student: int | None
    student_count: int
    source_ip: str


def application_json(application) -> dict:
    grant = AccessGrant.objects.filter(application=application).values_list("pk", flat=True).first()
    today = timezone.localdate()
    return {"id": application.pk, "status": application.status, "status_label": application.get_status_display(),
            "filed_by": application.created_by.username, "created_at": application.created_at,
            "payload": {k: v for k, v in application.payload.items() if k != "grantee_id"},
            "steps": [step_json(s, today) for s in application.steps.all()], "grant": grant}


def grant_json(g: AccessGrant) -> dict:
    today = timezone.localdate()
    return {"id": g.pk, "application": g.application_id, "grantee": g.grantee.username, "use": g.use,
            "use_label": USES.get(g.use, g.use), "scope_kind": g.scope_kind, "scope_label": g.scope_label,
            "school": g.school_id, "division": g.division_id, "grade": g.grade, "purpose": g.purpose,
            "requester_kind": g.requester_kind, "requester_name": g.requester_name, "valid_from": g.valid_from,
            "valid_until": g.valid_until, "granted_org": g.granted_org, "revoked_at": g.revoked_at,
            "revoke_reason": g.revoke_reason,
            "live": g.revoked_at is None and g.valid_from <= today <= g.valid_until}


def xlsx_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition(name)
    return response


@router.post("/applications", response={201: AccessApplicationOut, **errors(400, 401, 403, 422)},
             summary="提交查阅申请(第四十四条)")
def file_application(request, body: AccessIn):
    """由学籍管理员或各级学籍主管部门提交,本人使用或为外部申请方(研究人员、司法机关、其他部门、媒体)代为提交;
    由范围的学籍主管部门书面批准(县管义务教育学校,市管高中、市直管学校及全市范围,省管全省范围)。"""
    application = services.file_access(request.user, **body.dict())
    return Status(201, application_json(application))


@router.get("/applications/{application_id}", response={200: AccessApplicationOut, **errors(401, 404)},
            summary="查阅申请详情")
def get_application(request, application_id: ObjectId):
    return application_json(services.find_application(request.user, application_id))


@router.post("/applications/{application_id}/approve",
             response={200: AccessApplicationOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="书面批准(须上传批准决定扫描件)")
def approve(request, application_id: ObjectId,
            file: Annotated[UploadedFile, File(description="书面批准决定的扫描件:PDF、JPG 或 PNG")],
            comment: Annotated[str, Form(max_length=500, description="批准意见")] = ""):
    """由范围的学籍主管部门办理,不能审批本人提交的申请;批准后生成限期、限范围的查阅批准。"""
    services.decide(request.user, application_id, approve=True, comment=comment, scan=file)
    return application_json(services.find_application(request.user, application_id))


@router.post("/applications/{application_id}/reject",
             response={200: AccessApplicationOut, **errors(400, 401, 403, 404, 409, 422)}, summary="驳回查阅申请")
def reject(request, application_id: ObjectId, body: RejectIn):
    services.decide(request.user, application_id, approve=False, comment=body.comment)
    return application_json(services.find_application(request.user, application_id))


@router.get("/grants", response={200: list[GrantOut], **errors(401)}, summary="查阅批准列表")
def list_grants(request):
    """本人获准的,以及本部门(及下级)批准的查阅批准。"""
    from .permissions import GrantPolicy

    qs = GrantPolicy.visible_to(request.user).select_related("grantee")[:500]
    return [grant_json(g) for g in qs]


@router.post("/grants/{grant_id}/revoke", response={200: GrantOut, **errors(400, 401, 403, 404, 422)},
             summary="撤销查阅批准")
def revoke(request, grant_id: ObjectId, body: RevokeIn):
    """由原批准部门或省级撤销;撤销记录日期和理由,批准本身保留。"""
    return grant_json(services.revoke(request.user, grant_id, reason=body.reason))


@router.get("/grants/{grant_id}/students", response={200: Page[dict], **errors(400, 401, 403, 404, 422)},
            summary="凭查阅批准可查阅的学生")
def grant_students(request, grant_id: ObjectId, page: PageNumber = 1, page_size: PageSize = 50):
    _grant, qs = selectors.grant_students(request.user, grant_id)
    body, _count = paginate(qs, page, page_size, lambda s: {
        "key": s.key, "name": s.name, "grade": s.grade, "school": s.school_id, "school_name": s.school.name})
    return body


@router.get("/grants/{grant_id}/students/{student_key}", response={200: dict, **errors(401, 403, 404, 422)},
            summary="凭查阅批准查阅学生完整信息(记入查阅登记)")
def grant_student(request, grant_id: ObjectId, student_key: Annotated[str, Field(max_length=30)]):
    from .record import record_json

    grant, student = selectors.read_record(request.user, grant_id, student_key)
    return {"grant": grant.pk, "student": record_json(student)}


@router.get("/register", response={200: Page[EntryOut], **errors(400, 401, 403, 422)},
            summary="查阅登记(可按日期、账号、学校、批准筛选;format=xlsx 导出)")
def register(request, since: str = Query("", max_length=10, description="起始日期 YYYY-MM-DD(含)"),
             until: str = Query("", max_length=10, description="截止日期 YYYY-MM-DD(含)"),
             user: str = Query("", max_length=150, description="账号用户名"),
             school: str = Query("", max_length=10, description="学校标识码"),
             grant: str = Query("", max_length=12, description="查阅批准编号"),
             outcome: str = Query("", max_length=8, description="ok 或 denied"),
             format: Literal["json", "xlsx"] = Query("json", description="json 或 xlsx"),
             page: PageNumber = 1, page_size: PageSize = 50):
    params = {"since": since, "until": until, "user": user, "school": school, "grant": grant, "outcome": outcome}
    qs, filters = selectors.register_entries(request.user, params)
    if format == "xlsx":
        content = selectors.register_xlsx(qs)
        selectors.note_register_read(request.user, filters, qs.count(), "access.register_export")
        return xlsx_response(content, f"access-register-{timezone.localdate():%Y%m%d}.xlsx")
    body, count = paginate(qs, page, page_size, selectors.entry_json)
    selectors.note_register_read(request.user, filters, count)
    return body


@roster_router.get("/schools/{school_code}/roster", response={200: dict, **errors(400, 401, 404, 422)},
                   summary="在校生分班名册(附件3;format=xlsx 导出)")
def school_roster(request, school_code: Annotated[str, Field(max_length=10)],
                  grade: int | None = Query(None, ge=1, le=12, description="只导出一个年级"),
                  format: Literal["json", "xlsx"] = Query("json", description="json 或 xlsx")):
    """含完整身份证件号的个人信息导出(第四十四条):本校学籍管理员和主管领导作为日常工作导出;其他账号(含主管部门)
    须持有覆盖该校且在有效期内的导出批准,否则返回 422(第四十四条)。无论批准与否都记入查阅登记。"""
    school, table = selectors.roster_table(request.user, school_code, grade=grade)
    if format == "xlsx":
        return xlsx_response(xlsx(school, table), filename(school))
    return {"school": school.pk, "school_name": school.name, "rows": as_dicts(table)}
