"""Transfer endpoints (第十七–二十二条).

/api/v1/transfers: filing. The generic POST /api/v1/applications finds the student through the caller's
jurisdiction, which the receiving school does not have, so a transfer is filed here: the registrar names the
student by student number + name + ID number (as the guardian's papers do), and the scans travel as multipart
files named evidence.<kind> (transfer_form for the stamped 附件8, hukou_transfer, work_change, …). Deciding
goes through the generic /api/v1/applications/{id}/approve|reject|cancel.

Also: the archive hand-over (第二十二条), the portable package for another province (第十八条), and the sending
school's former students, frozen as they were when they left.
"""

import json

from django.utils import timezone
from ninja import Query, Router, Status

from xueji.api.common import (
    MAX_PAGE_SIZE,
    ObjectId,
    Page,
    PageNumber,
    PageSize,
    errors,
    json_object,
    paginate,
    put_dotted,
)
from xueji.applications.models import Application
from xueji.applications.schemas import ApplicationOut, application_json
from xueji.applications.selectors import with_details
from xueji.core.errors import malformed
from xueji.orgs.selectors import find_school
from xueji.students.selectors import find_student

from . import selectors, services
from .schemas import (
    FormerStudentDetailOut,
    FormerStudentOut,
    HandoverOut,
    LookupIn,
    LookupOut,
    former_detail_json,
    former_json,
    handover_json,
)

router = Router(tags=["转学"])
exchange = Router(tags=["转学"])

FIELDS = {
    "transfer_reason": {"type": "string", "description": "转学理由代码:family_move 户籍随家庭跨省市县迁移、"
                        "work_move 务工地跨省市县变化、senior_to_vocational 普通高中转中职(第十九条)、"
                        "special_education、work_study(第二十一条)"},
    "from_division": {"type": "string", "description": "迁移前户籍或务工地的县级行政区划代码"},
    "to_division": {"type": "string", "description": "迁移后户籍或务工地的县级行政区划代码"},
    "to_grade": {"type": "integer", "description": "转入年级,须与现年级相同(第二十条)"},
    "to_class": {"type": "integer", "description": "转入班级ID(可不填)"},
    "mid_term_exception": {"type": "boolean", "description": "学期中转学,申请主管部门特批(第二十条)"},
    "sat_proficiency_exam": {"type": "boolean", "description": "已参加本地普通高中学业水平考试(须附证明,第十八条)"},
    "reason": {"type": "string", "description": "申请说明"},
    "evidence.transfer_form": {"type": "string", "format": "binary",
                               "description": "盖章的《山西省中小学生转学申请表》(附件8)扫描件"},
    "evidence.hukou_transfer": {"type": "string", "format": "binary", "description": "户籍迁移证明"},
    "evidence.work_change": {"type": "string", "format": "binary", "description": "务工地变化证明"},
}
IDENTITY = {"student_number": {"type": "string"}, "name": {"type": "string"}, "id_number": {"type": "string"}}


def _body_doc(properties: dict, required: list[str]) -> dict:
    schema = {"type": "object", "required": required, "properties": properties,
              "additionalProperties": {"type": "string", "format": "binary",
                                       "description": "其他证明材料:evidence.<材料类型代码>"}}
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema},
                                                           "application/json": {"schema": schema}}}}


def _json_text(value: str, field: str):
    try:
        return json.loads(value)
    except ValueError:
        raise malformed(field, f"{field} 须为 JSON 文本") from None


def submission(request) -> tuple[dict, list[tuple[str, object]]]:
    """(fields, [(proof kind, file)]) of a multipart form or a JSON body; dotted keys make objects
    (destination.name=…), files are named evidence.<kind>."""
    if not (request.content_type or "").startswith("multipart/"):
        return json_object(request), []
    fields: dict = {}
    for key, value in request.POST.items():
        if put_dotted(fields, key, value):
            continue
        if key in ("destination", "package"):
            fields[key] = _json_text(value, key)
        else:
            fields[key] = value
    evidence = []
    for key in request.FILES:
        kind = key.partition(".")[2] if key.startswith("evidence.") else ""
        if key == "package":
            fields["package"] = _json_text(request.FILES[key].read().decode("utf-8", "replace"), "package")
        elif kind:
            evidence += [(kind, upload) for upload in request.FILES.getlist(key)]
        else:
            raise malformed(key, f"文件字段“{key}”无法识别:证明材料请用 evidence.<材料类型代码> 命名")
    return fields, evidence


def _text(fields: dict, key: str) -> str:
    value = fields.get(key, "")
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise malformed(key, f"{key} 须为文本")
    return str(value)


def _fresh(application_id: int) -> dict:
    return application_json(with_details(Application.objects.filter(pk=application_id)).get())


# ---------------------------------------------------------------- /transfers


@router.post("/lookup", response={200: LookupOut, **errors(400, 401, 403, 404, 422, 429)},
             summary="转入学校核对学生身份")
def lookup(request, payload: LookupIn):
    """学籍号、姓名、身份证件号三项同时相符时,返回该生的掩码摘要(现学校、年级、状态);否则 404,
    不说明哪一项不符。只有学校学籍管理员可以查询(403),每次查询都记入审计日志;一小时内不符达20次后
    返回 429。"""
    student = services.lookup(request.user, student_number=payload.student_number, name=payload.name,
                              id_number=payload.id_number)
    return services.masked_summary(student)


@router.post("", response={201: ApplicationOut, **errors(400, 401, 403, 404, 409, 422, 429)},
             openapi_extra=_body_doc({**IDENTITY, **FIELDS}, ["student_number", "name", "id_number"]),
             summary="转入学校发起转学申请")
def submit_transfer(request):
    """转入学校学籍管理员以学籍号+姓名+身份证件号指明学生,填写转学理由与迁移前后的行政区划,上传盖章的
    转学申请表(附件8,evidence.transfer_form)与理由所需证明。审批顺序:转入学校负责人 → 转入地主管部门 →
    转出学校负责人 → 转出地主管部门,每个环节10个工作日(第二十二条)。不符合第十七–二十条的返回 422 并写明条款。"""
    fields, evidence = submission(request)
    application = services.start_transfer(
        request.user, student_number=_text(fields, "student_number"), name=_text(fields, "name"),
        id_number=_text(fields, "id_number"), payload=fields, reason=_text(fields, "reason")[:500],
        evidence=evidence)
    return Status(201, _fresh(application.pk))


@router.post("/outgoing", response={201: ApplicationOut, **errors(400, 401, 403, 404, 409, 422)},
             openapi_extra=_body_doc({"student": {"type": "string", "description": "学籍号"},
                                      "destination": {"type": "object", "description":
                                                      "转入学校:{name, code, county_code, school_type, ownership, "
                                                      "provincial_model, vocational};多部分表单中写作 destination.name 等"},
                                      **FIELDS,
                                      "evidence.vocational_admission": {"type": "string", "format": "binary",
                                                                        "description": "中等职业学校同意接收的证明"}},
                                     ["student", "destination"]),
             summary="转出到省外或中等职业学校")
def submit_outgoing(request):
    """转入学校不在本系统(外省学校,或中等职业学校,第十九条)时,由转出学校学籍管理员发起,附转学申请表和
    对方接收证明;转出学校负责人 → 主管部门审批。办结后学籍状态为“转出”,并生成转学数据包
    (GET /api/v1/applications/{id}/transfer-package)。"""
    fields, evidence = submission(request)
    student = find_student(request.user, _text(fields, "student"), purpose="transfer_out", audit_read=False)
    application = services.start_outgoing(request.user, student, payload=fields,
                                          reason=_text(fields, "reason")[:500], evidence=evidence)
    return Status(201, _fresh(application.pk))


@router.get("", response={200: dict[str, list[ApplicationOut]], **errors(401)}, summary="本单位的转入、转出申请")
def list_transfers(request, status: str = Query("pending", description="pending(默认)、approved、rejected、cancelled 或 all")):
    """incoming:在本单位学校发起的转入;outgoing:学籍在本单位学校、由他校发起的转出,以及转出到省外或中职。"""
    found = selectors.transfers(request.user, status=None if status == "all" else status)
    today = timezone.localdate()
    return {side: [application_json(a, today) for a in qs[:MAX_PAGE_SIZE]] for side, qs in found.items()}


@router.get("/handovers", response={200: Page[HandoverOut], **errors(400, 401)}, summary="学籍档案移交")
def list_handovers(request, overdue: bool = Query(False, description="只看逾期未办结的(转学办结后一个月,第二十二条)"),
                   page: PageNumber = 1, page_size: PageSize = 50):
    today = timezone.localdate()
    qs = selectors.overdue_handovers(request.user, today) if overdue else selectors.handovers(request.user)
    body, _count = paginate(qs, page, page_size, lambda h: handover_json(h, today))
    return body


@router.post("/handovers/{handover_id}/sent", response={200: HandoverOut, **errors(401, 403, 404, 409)},
             summary="转出学校确认档案已寄出")
def mark_sent(request, handover_id: ObjectId):
    return handover_json(services.mark_sent(request.user, handover_id))


@router.post("/handovers/{handover_id}/received", response={200: HandoverOut, **errors(401, 403, 404, 409, 422)},
             summary="转入学校确认档案已接收")
def mark_received(request, handover_id: ObjectId):
    """转出学校确认寄出之后,转入学校才能确认接收(第二十二条;否则 422 archive_not_sent)。"""
    return handover_json(services.mark_received(request.user, handover_id))


# ---------------------------------------------------------------- packages and former students


@exchange.get("/applications/{application_id}/transfer-package", response={200: dict, **errors(401, 404, 409)},
              summary="转学数据包(跨省、转中职)")
def read_package(request, application_id: ObjectId):
    """办结的转出申请生成的数据包:学籍信息(72项,代码)、家庭成员、学籍号、在校经历、学籍事件、审批记录,
    带格式名 xueji-transfer-package、版本号与 SHA-256 校验值,供外省学籍系统读取。每次下载记入审计日志。"""
    return selectors.find_package(request.user, application_id).body


@exchange.post("/transfer-packages", response={201: ApplicationOut, **errors(400, 401, 403, 409, 422)},
               openapi_extra=_body_doc({"package": {"type": "object", "description": "外省出具的转学数据包;"
                                                    "多部分表单中可作为文件上传"}, **FIELDS}, ["package"]),
               summary="导入外省转学数据包(跨省转入)")
def import_package(request):
    """转入学校学籍管理员导入外省出具的数据包:校验格式、版本与校验值,按身份证件号查重(第十四条),
    在本校建立待注册的学籍档案并发起跨省转入申请(转入学校负责人 → 主管部门)。任何一项不通过都不写入。"""
    fields, evidence = submission(request)
    package = fields.pop("package", None)
    if package is None:
        raise malformed("package", "请提供转学数据包 package")
    application = services.import_package(request.user, package, payload=fields,
                                          reason=_text(fields, "reason")[:500], evidence=evidence)
    return Status(201, _fresh(application.pk))


@exchange.get("/schools/{code}/former-students", response={200: Page[FormerStudentOut], **errors(400, 401, 404)},
              summary="本校已转出学生")
def list_former(request, code: str, page: PageNumber = 1,
                page_size: PageSize = 50):
    """学校(学籍管理员、领导)及其主管部门查看已转出学生离校时的学籍信息;不显示转入学校之后的变动。"""
    school = find_school(request.user, code, purpose="former_students")
    qs = selectors.former_students(request.user, school)
    body, count = paginate(qs, page, page_size, former_json)
    selectors.audit_former_list(request.user, school, count)
    return body


@exchange.get("/former-students/{enrolment_id}", response={200: FormerStudentDetailOut, **errors(401, 404)},
              summary="一名已转出学生离校时的学籍信息")
def read_former(request, enrolment_id: ObjectId):
    return former_detail_json(selectors.find_former(request.user, enrolment_id))
