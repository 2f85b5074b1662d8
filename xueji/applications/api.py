"""/api/v1/applications: filing, reading and deciding applications (申请) of every change type.

The endpoints know no change type: `type` names one registered with the engine (registration, info_change, …),
its payload fields travel beside `type` and `student`, and the services decide every rule.
"""

import json
from typing import Annotated, Literal

from django.http import FileResponse
from django.utils import timezone
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from xueji.api.common import ObjectId, Page, PageNumber, PageSize, errors, json_object, paginate, put_dotted
from xueji.audit.exports import FORMAT_DOC, XLSX_OPENAPI
from xueji.core.errors import NotFound, malformed
from xueji.students.selectors import find_student, resolve_key

from . import bulk, selectors, services, start_forms
from .engine import change_type, registered
from .exports import export_applications
from .models import Application
from .schemas import (
    ApplicationOut,
    BatchApproveIn,
    BatchApproveOut,
    BatchSubmitIn,
    BatchSubmitOut,
    CancelIn,
    DecisionIn,
    EvidenceOut,
    application_json,
    evidence_json,
)

router = Router(tags=["学籍申请与审批"])

RESERVED = ("type", "student", "reason", "payload", "files", "kinds")

SUBMIT_SCHEMA = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": {"type": "string", "description": "申请类型:registration 学籍注册、info_change 学籍信息变更 …"},
        "student": {"type": "string", "description": "学生:学籍号,或尚无学籍号时的学籍档案ID"},
        "reason": {"type": "string", "description": "申请理由"},
        "changes": {"type": "object", "description": "info_change:要变更的受控信息及新值,如 {\"name\": \"王晓明\"}"},
        "entry_date": {"type": "string", "format": "date", "description": "registration:入学日期(默认建档日)"},
        "identity_unresolved": {"type": "boolean", "description": "registration:身份待核实,先发临时学籍号L"},
        "school": {"type": "string", "description": "graduation:学校标识码(与 students 一起,整批提交毕业生)"},
        "students": {"type": "array", "items": {"type": "string"},
                     "description": "graduation:毕业生学籍号列表;此时不填 student,返回 201 的批次 "
                                    "{id, type, status, steps, students}"},
    },
    "additionalProperties": True,
}
FORM_SCHEMA = {
    "type": "object",
    "required": ["type", "student"],
    "properties": {
        "type": {"type": "string"}, "student": {"type": "string"}, "reason": {"type": "string"},
        "payload": {"type": "string", "description": "其余申请内容,JSON 对象文本,如 {\"changes\": {\"name\": \"王晓明\"}}"},
        "files": {"type": "array", "items": {"type": "string", "format": "binary"},
                  "description": "证明材料扫描件(JPG、PNG、PDF),可多个"},
        "kinds": {"type": "array", "items": {"type": "string"},
                  "description": "材料名称,与 files 逐一对应,如 户口簿、医院诊断证明"},
    },
    "additionalProperties": {"type": "string", "description": "也可逐项填写,如 changes.name=王晓明"},
}
# Status changes started from the student page: their payload keys and the proof_<kind> file fields.
start_forms.document(SUBMIT_SCHEMA, FORM_SCHEMA)
SUBMIT_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": SUBMIT_SCHEMA},
    "multipart/form-data": {"schema": FORM_SCHEMA},
}}}


def _text(value):
    # Codes arrive as numbers ("gender": 1); the policy's normalize() reads text and names a bad value itself.
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return value
    return str(value)


def _json_submission(request) -> tuple[dict, list]:
    body = json_object(request)
    if isinstance(body.get("payload"), dict):
        body = {**body.pop("payload"), **body}
    return body, []


def _form_value(value: str):
    return {"true": True, "false": False}.get(value, value)


def _form_submission(request) -> tuple[dict, list]:
    body: dict = {}
    raw = request.POST.get("payload")
    if raw:
        try:
            body = json.loads(raw)
        except ValueError:
            raise malformed("payload", "payload 须为 JSON 对象文本") from None
        if not isinstance(body, dict):
            raise malformed("payload", "payload 须为 JSON 对象文本")
    for key, value in request.POST.items():
        if key in ("payload", "kinds"):
            continue
        if not put_dotted(body, key, value):  # changes.name=王晓明 → {"changes": {"name": "王晓明"}}
            body[key] = _form_value(value)
    # Each scan may be named (kinds[i] for files[i], e.g. 户口簿): some change types ask for a named proof.
    kinds = request.POST.getlist("kinds")
    files = request.FILES.getlist("files")
    named = [(kinds[i].strip()[:60] if i < len(kinds) else "", f) for i, f in enumerate(files)]
    return body, named + start_forms.proof_uploads(request.FILES)  # proof_<kind>: a proof kind of the policy


def _submission(request) -> tuple[str, str, str, dict, list]:
    if (request.content_type or "").startswith("multipart/"):
        body, files = _form_submission(request)
    else:
        body, files = _json_submission(request)
    type_code, key, reason = body.get("type"), body.get("student"), body.get("reason", "")
    if not isinstance(type_code, str) or not type_code:
        raise malformed("type", "请填写申请类型 type,如 registration、info_change")
    if not isinstance(key, str | int) or isinstance(key, bool) or not str(key).strip():
        raise malformed("student", "请填写学生 student:学籍号,或尚无学籍号时的学籍档案ID")
    if not isinstance(reason, str) or len(reason) > 500:
        raise malformed("reason", "申请理由 reason 须为不超过500字的文本")
    payload = {k: v for k, v in body.items() if k not in RESERVED}
    if isinstance(payload.get("changes"), dict):
        payload["changes"] = {k: _text(v) for k, v in payload["changes"].items()}
    return type_code, str(key).strip(), reason, payload, files


def _fresh(application_id: int) -> dict:
    return application_json(selectors.with_details(Application.objects.filter(pk=application_id)).get())


@router.post("", response={201: ApplicationOut, **errors(400, 401, 403, 404, 409, 422)}, openapi_extra=SUBMIT_BODY,
             summary="发起申请(注册、信息变更等)")
def submit(request):
    """JSON:`{type, student, reason, …申请内容}`,申请内容与 type 并列,如
    `{"type": "info_change", "student": "G1401…", "changes": {"name": "王晓明"}}`。
    需要证明材料的申请(如学籍信息变更,第十五条)用 multipart/form-data 提交,文件放在 `files` 中。
    转学(transfer)与借读(visiting)由转入(借读)学校发起:student 填学籍号,并同时提交 name 与 id_number
    核对身份(三项相符才受理),其余字段与 /api/v1/transfers、/api/v1/visiting 相同。
    规则不允许时返回 422 并写明条款;已有审批中的同类申请返回 409;角色不能发起返回 403。"""
    batch = _batch_start(request)
    if batch is not None:
        return batch
    type_code, key, reason, payload, files = _submission(request)
    # A type filed by the school that will receive the student brings its own start: that school cannot see the
    # student, and the guardian's papers identify him (第十八、二十六条). The capability registers it.
    start = change_type(type_code).extra.get("start_with_identity") if type_code in registered() else None
    if start is not None:
        application = start(request.user, student_number=key, name=str(payload.pop("name", "") or ""),
                            id_number=str(payload.pop("id_number", "") or ""), payload=payload,
                            reason=reason, evidence=files)
        return Status(201, _fresh(application.pk))
    payload, reason = start_forms.api_input(type_code, payload, reason, request.POST)
    student = _filed_student(request.user, type_code, key)
    application = services.submit(request.user, type_code, student, payload, reason=reason, evidence=files)
    return Status(201, _fresh(application.pk))


def _filed_student(user, type_code: str, key: str):
    """The student an application names. A type filed at another school than the student's
    (ChangeType.extra["filing_school"], e.g. a 学历证明 at the graduating school, 第三十八条) is judged by the
    submit itself, which knows the filing school from the payload; the refusal is the same 404 either way."""
    if type_code not in registered() or not change_type(type_code).extra.get("filing_school"):
        return find_student(user, key, purpose="application", audit_read=False)
    student = resolve_key(key)
    if student is None:
        raise NotFound("未找到该学生,或该学生不在您的管辖范围内", actor=user, action="application.submit",
                       object_type="student", object_id=key[:40])
    return student


def _batch_start(request):
    """A change type filed for many students at once answers in its own shape (ChangeType.extra["api_start"],
    e.g. graduation's {type, school, students: [...]}); the engine's API knows no capability by name."""
    if (request.content_type or "").startswith("multipart/"):
        return None
    body = json_object(request)
    change = registered().get(body.get("type")) if isinstance(body.get("type"), str) else None
    start = change.extra.get("api_start") if change else None
    if start is None or "students" not in body:
        return None
    return start(request.user, body)


@router.post("/batch", response={200: BatchSubmitOut, **errors(400, 401, 403, 422)}, summary="批量发起同类申请")
def submit_batch(request, payload: BatchSubmitIn):
    """如为本校一批新生提交注册申请:`{"type": "registration", "students": [档案ID或学籍号, …]}`。
    每名学生单独办理、单独给出结果(201 已提交,或 404/409/422 及原因),一名学生被拒不影响其他学生。"""
    extra = dict(payload.model_extra or {})
    result = bulk.submit_many(request.user, payload.type, payload.students, payload=extra, reason=payload.reason)
    rows = []
    for r in result["results"]:
        error = r["error"]
        rows.append({
            "student": r["student"], "status": r["status"],
            "application": _fresh(r["application"].pk) if r["application"] else None,
            "errors": [{"code": v.code, "article": v.article, "field": v.field, "message": v.message}
                       for v in error.violations] if error else [],
        })
    submitted = sum(1 for r in rows if r["status"] == 201)
    return {"batch": result["batch"], "submitted": submitted, "failed": len(rows) - submitted, "results": rows}


@router.get("", response={200: Page[ApplicationOut], **errors(400, 401, 403, 404, 422)},
            openapi_extra=XLSX_OPENAPI, summary="查看管辖范围内的申请(format=xlsx 导出)")
def list_applications(
    request,
    awaiting: Literal["me", "overdue"] | None = Query(
        None, description="me:当前环节等待我办理的;overdue:已超过办结期限或环节期限的审批中申请"),
    type: str | None = Query(None, description="申请类型,如 registration"),
    status: str | None = Query(None, description="pending、approved、rejected、cancelled"),
    school: str | None = Query(None, description="发起学校标识码"),
    student: str | None = Query(None, description="学生:学籍号或档案ID"),
    page: PageNumber = 1,
    page_size: PageSize = 50,
    format: Literal["json", "xlsx"] = Query("json", description=FORMAT_DOC),
):
    """awaiting=me 按到期日先后排列;其余按发起时间倒序。每次查询都记入审计日志。
    format=xlsx 时导出符合条件的全部申请(不分页;超过导出上限时 422)。"""
    user = request.user
    found = find_student(user, student, purpose="applications", audit_read=False) if student else None
    if format == "xlsx":
        return export_applications(user, awaiting=awaiting, type_code=type, status=status, school=school,
                                   student=found, student_key=student)
    qs = selectors.list_applications(user, awaiting=awaiting, type_code=type, status=status, school=school,
                                     student=found)
    today = timezone.localdate()
    body, count = paginate(qs, page, page_size, lambda a: application_json(a, today))
    selectors.audit_list(user, {"awaiting": awaiting, "type": type, "status": status, "school": school,
                                "student": student}, count)
    return body


@router.post("/batch-approve", response={200: BatchApproveOut, **errors(400, 401)}, summary="批量通过")
def batch_approve(request, payload: BatchApproveIn):
    """逐件办理当前环节:每件单独成功或失败,失败的写明原因(无权办理、已被他人办理、不符合规定等)。"""
    return services.approve_many(request.user, payload.ids, comment=payload.comment)


@router.get("/{application_id}", response={200: ApplicationOut, **errors(401, 403, 404)}, summary="一件申请")
def read_application(request, application_id: ObjectId):
    """包括各审批环节(办理人、时间、意见、到期日)与证明材料。不存在或不在管辖范围内的返回 404。"""
    application = selectors.find_application(request.user, application_id)
    return application_json(application)


@router.post("/{application_id}/approve", response={200: ApplicationOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="同意(办理当前环节)")
def approve(request, application_id: ObjectId, payload: DecisionIn):
    """只有当前环节所属单位、所属角色的账号可以办理(否则 403)。最后一个环节通过时,变更写入学籍
    (如注册通过即发放学籍号)。带 expected_step 时,该环节已被他人办理则返回 409,不会重复办理。"""
    services.approve(request.user, application_id, comment=payload.comment, expected_step=payload.expected_step)
    return _fresh(application_id)


@router.post("/{application_id}/reject", response={200: ApplicationOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="驳回(须写明理由)")
def reject(request, application_id: ObjectId, payload: DecisionIn):
    """驳回后申请办结,后续环节撤销;学籍不作任何改动。未写理由返回 422。"""
    services.reject(request.user, application_id, comment=payload.comment, expected_step=payload.expected_step)
    return _fresh(application_id)


@router.post("/{application_id}/cancel", response={200: ApplicationOut, **errors(400, 401, 403, 404, 409)},
             summary="撤销(发起人)")
def cancel(request, application_id: ObjectId, payload: CancelIn):
    """只有发起人可以撤销审批中的申请;撤销的申请仍保留可查。"""
    services.cancel(request.user, application_id, comment=payload.comment)
    return _fresh(application_id)


@router.post("/{application_id}/evidence", response={201: EvidenceOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="补充证明材料")
def attach_evidence(request, application_id: ObjectId,
                    file: Annotated[UploadedFile, File(description="JPG、PNG 或 PDF 扫描件")],
                    kind: Annotated[str, Form(max_length=60, description="材料名称,如 户口簿")] = ""):
    """由发起学校上传;申请办结后不能再补充。材料随申请进入学生档案。"""
    item = services.attach_evidence(request.user, application_id, file, kind=kind.strip())
    return Status(201, evidence_json(item))


@router.get("/{application_id}/evidence/{evidence_id}", response={200: None, **errors(401, 403, 404)},
            url_name="application_evidence", summary="下载证明材料")
def download_evidence(request, application_id: ObjectId, evidence_id: ObjectId):
    """只有可查看该申请的账号能下载;每次下载记入审计日志。"""
    item = selectors.find_evidence(request.user, application_id, evidence_id)
    return evidence_response(item)


def evidence_response(item) -> FileResponse:
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError):
        raise NotFound("材料文件缺失,请联系系统管理员", refusal=False) from None
    # Inline: a scan is read in the browser; the original name is kept for saving it.
    return FileResponse(handle, content_type=item.content_type, filename=item.original_name or "evidence")
