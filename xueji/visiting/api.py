"""Visiting study endpoints (借读, 第二十五–二十七条).

The host school files a stay here (the generic POST /api/v1/applications finds students through the caller's
jurisdiction, which the host school does not have): the registrar names the student by student number + name +
ID number, and the scans travel as multipart files named evidence.<kind>. Deciding goes through the generic
/api/v1/applications/{id}/approve|reject|cancel.
"""

from ninja import Query, Router, Status

from xueji.api.common import ObjectId, Page, PageNumber, PageSize, errors, paginate
from xueji.applications.models import Application
from xueji.applications.schemas import ApplicationOut, application_json
from xueji.applications.selectors import with_details
from xueji.core.errors import malformed
from xueji.policy.changes.reasons import PROOF_KIND
from xueji.transfers.api import submission

from . import selectors, services
from .schemas import EndIn, StayDetailOut, StayOut, stay_detail_json, stay_json

router = Router(tags=["借读"])

FIELDS = {
    "student_number": {"type": "string"}, "name": {"type": "string"}, "id_number": {"type": "string"},
    "visiting_reason": {"type": "string", "description": "借读理由代码(第二十五条),如 parents_field_work"},
    "starts_on": {"type": "string", "format": "date", "description": "借读开始日期"},
    "ends_on": {"type": "string", "format": "date", "description": "计划借读结束日期"},
    "host_class": {"type": "integer", "description": "借读班级ID(本校、与原校同年级,第二十六条)"},
    "class_reason": {"type": "string", "description": "超过标准班额时的理由(第十三条)"},
    "abroad_months": {"type": "integer", "description": "父母出国工作期限(月),parents_abroad 时必填"},
    "reason": {"type": "string", "description": "申请说明"},
    **{f"evidence.{kind}": {"type": "string", "format": "binary", "description": PROOF_KIND[kind]}
       for kind in services.PROOF_KINDS},
}
BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["student_number", "name", "id_number", "visiting_reason", "host_class"],
    "properties": FIELDS}}}}}


def _text(fields: dict, key: str) -> str:
    value = fields.get(key, "")
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise malformed(key, f"{key} 须为文本")
    return str(value)


def _fresh(application_id: int) -> dict:
    return application_json(with_details(Application.objects.filter(pk=application_id)).get())


@router.post("", response={201: ApplicationOut, **errors(400, 401, 403, 404, 409, 422, 429)},
             openapi_extra=BODY, summary="借读学校发起借读申请")
def start(request):
    """借读学校学籍管理员以学籍号+姓名+身份证件号指明学生,选择借读理由(第二十五条)、计划借读期限和借读班级,
    上传借读申请表(附件9,evidence.visiting_form)、原学校证明、亲属户籍证明、学籍基础信息表复印件及理由所需
    证明(第二十六条)。审批:借读学校负责人 → 借读学校主管部门。不同年级、理由不在所列情形、借读班级超过班额的
    返回 422 并写明条款。"""
    fields, evidence = submission(request)
    application = services.start_stay(
        request.user, student_number=_text(fields, "student_number"), name=_text(fields, "name"),
        id_number=_text(fields, "id_number"), payload=fields, reason=_text(fields, "reason")[:500],
        evidence=evidence)
    return Status(201, _fresh(application.pk))


@router.get("", response={200: Page[StayOut], **errors(400, 401)}, summary="借读学生名单")
def list_stays(request, side: str = Query("host", pattern="^(host|home)$",
                                          description="host:在本单位学校借读的学生;home:学籍在本单位学校、在外借读的学生"),
               open: bool = Query(True, description="只看正在借读的(默认)"),
               page: PageNumber = 1, page_size: PageSize = 50):
    qs = selectors.stays(request.user, side=side, open_only=open)
    body, count = paginate(qs, page, page_size, stay_json)
    selectors.audit_list(request.user, side, count)
    return body


@router.get("/{stay_id}", response={200: StayDetailOut, **errors(401, 404)}, summary="一名借读学生")
def read_stay(request, stay_id: ObjectId):
    """借读记录与该生学籍信息(只读,身份证件号掩码)。借读学校只在借读期间看到学籍信息;学籍所在学校始终可见。
    每次查看记入审计日志。"""
    stay = selectors.find_stay(request.user, stay_id)
    return stay_detail_json(request.user, stay)


@router.post("/{stay_id}/end", response={201: ApplicationOut, **errors(401, 403, 404, 409, 422)},
             summary="申请结束借读")
def end_stay(request, stay_id: ObjectId, payload: EndIn):
    """学籍所在学校或借读学校的学籍管理员申请结束借读,由借读学校负责人审批。借读年级与原校不符的,以
    grade_mismatch 取消借读资格(第二十六条)。"""
    application = services.end_stay(request.user, stay_id, end_reason=payload.end_reason, note=payload.note)
    return Status(201, _fresh(application.pk))
