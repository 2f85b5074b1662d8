"""Applications in JSON: request and response schemas of /api/v1/applications, and the converters.

ID numbers in a payload (a requested new 身份证件号) are masked in answers, as everywhere else in the API.
"""

from datetime import date, datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict

from xueji.api.common import ObjectId, bounded
from xueji.core.masking import mask_id, mask_numbers_in_text, mask_student_number
from xueji.policy.fields import GRADE_LABELS

from . import selectors
from .engine import change_type
from .models import Application, Evidence, Step

MASKED_KEYS = ("id_number",)


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


class DecisionIn(StrictIn):
    comment: str = Field("", max_length=500, description="审核意见;驳回时必填,写明理由")
    expected_step: bounded(int, 1, 99) | None = Field(
        None, description="办理的是第几个环节(页面打开时的当前环节)。该环节已被他人办理时返回 409,避免重复办理")


class CancelIn(StrictIn):
    comment: str = Field("", max_length=500, description="撤销说明")


class BatchApproveIn(StrictIn):
    ids: list[ObjectId] = Field(min_length=1, max_length=1000, description="要通过的申请ID")
    comment: str = Field("", max_length=500, description="审核意见(每件相同)")


class BatchFailure(Schema):
    id: int = Field(description="申请ID")
    status: int = Field(description="未通过的原因对应的HTTP状态:403 无权办理、404 不存在或超出管辖范围、409 已被办理、422 不符合规定")
    message: str = Field(description="中文原因")


class BatchApproveOut(Schema):
    approved: list[int] = Field(description="已通过的申请ID")
    failed: list[BatchFailure] = Field(description="未能通过的申请及原因")


class BatchSubmitIn(Schema):
    # Extra keys are the payload every application of the batch carries (e.g. entry_date).
    model_config = ConfigDict(extra="allow")

    type: str = Field(description="申请类型,如 registration")
    students: list[str | int] = Field(min_length=1, max_length=2000,
                                      description="学生:学籍号,或尚无学籍号时的学籍档案ID")
    reason: str = Field("", max_length=500, description="申请理由(每件相同)")


class StepOut(Schema):
    order: int = Field(description="第几个环节,从 1 开始")
    label: str = Field(description="环节名称,如 学校审核、主管部门审核")
    org: str = Field(description="办理单位代码(学校标识码或行政区划代码)")
    org_name: str = Field(description="办理单位名称")
    role: str = Field(description="办理角色:leader 学校领导、county 县级、city 市级 …")
    role_label: str = Field(description="办理角色名称")
    status: str = Field(description="waiting 未开始、pending 待审核、approved 已同意、rejected 已驳回、cancelled 已撤销")
    status_label: str = Field(description="环节状态名称")
    working_days: int | None = Field(None, description="时限(工作日);无时限为 null")
    started_at: datetime | None = Field(None, description="本环节开始时间")
    due_date: date | None = Field(None, description="本环节到期日(按工作日计算)")
    overdue: bool = Field(description="是否已逾期")
    decider: str | None = Field(None, description="办理人账号")
    decider_name: str | None = Field(None, description="办理人姓名")
    comment: str = Field("", description="办理意见")
    decided_at: datetime | None = Field(None, description="办理时间")


class EvidenceOut(Schema):
    id: int = Field(description="材料ID")
    kind: str = Field(description="材料类型:证明材料代码(如 medical_county、transfer_form),或上传时填写的材料名称")
    original_name: str = Field(description="上传时的文件名")
    content_type: str = Field(description="image/jpeg、image/png 或 application/pdf")
    size: int = Field(description="大小(字节)")
    uploaded_at: datetime = Field(description="上传时间")
    uploaded_by: str = Field(description="上传人账号")
    url: str = Field(description="下载地址(须携带令牌;只有可查看该申请的账号能下载)")


class ApplicationStudentOut(Schema):
    id: int = Field(description="学籍档案ID")
    key: str = Field(description="URL 中指代学生的键:J、L 字头学籍号,否则(G字头或尚无学籍号)为档案ID")
    student_number: str | None = Field(None, description="学籍号;G字头含身份证件号,以掩码显示(第四十四条);注册批准前为 null")
    name: str = Field(description="姓名")
    gender: str = Field(description="性别代码")
    grade: int = Field(description="年级 1–12")
    grade_label: str = Field(description="年级名称")
    status: str = Field(description="学籍状态")
    school: str = Field(description="学籍所在学校标识码")
    school_name: str = Field(description="学校名称")


class ChangeRowOut(Schema):
    field: str = Field(description="受控信息字段名")
    label: str = Field(description="字段中文名")
    old: Any = Field(None, description="原值(申请审批中为档案当前值;通过后为变更前的值);身份证件号以掩码显示")
    new: Any = Field(None, description="新值;身份证件号以掩码显示")


class ApplicationOut(Schema):
    id: int = Field(description="申请ID")
    type: str = Field(description="申请类型代码,如 registration、info_change")
    type_label: str = Field(description="申请类型名称,如 学籍注册、学籍信息变更")
    article: str | None = Field(None, description="依据条款,如 第十一条")
    status: str = Field(description="pending 审批中、approved 已通过、rejected 已驳回、cancelled 已撤销")
    status_label: str = Field(description="状态名称")
    student: ApplicationStudentOut | None = Field(description="申请所涉学生;不涉及单个学生的申请(如查阅申请,第四十四条)为 null")
    school: str | None = Field(description="发起学校标识码;不涉及单个学校的申请为 null")
    school_name: str | None = Field(description="发起学校名称")
    reason: str = Field("", description="申请理由")
    payload: dict = Field(description="申请内容(如 changes: {字段: 新值});身份证件号及G字头学籍号以掩码显示")
    changes: list[ChangeRowOut] = Field(description="受控信息变更的原值与新值;其他类型为空")
    due_date: date | None = Field(None, description="办结期限(如注册为入学后15天,第十一条)")
    days_left: int | None = Field(None, description="距办结期限的天数,负数为已逾期天数")
    overdue: bool = Field(description="审批中且已超过办结期限或本环节期限")
    created_at: datetime = Field(description="发起时间")
    created_by: str = Field(description="发起人账号")
    decided_at: datetime | None = Field(None, description="办结时间")
    batch: str = Field("", description="批量提交时的批次号")
    current_step: int | None = Field(None, description="当前待审核的环节序号;已办结为 null")
    steps: list[StepOut] = Field(description="审批环节,按顺序")
    evidence: list[EvidenceOut] = Field(description="证明材料")


class BatchSubmitResult(Schema):
    student: str = Field(description="提交时的学生键")
    status: int = Field(description="201 已提交;403、404、409、422 未提交")
    application: ApplicationOut | None = Field(None, description="已提交的申请")
    errors: list[dict] = Field(description="未提交的原因,格式同错误响应的 errors")


class BatchSubmitOut(Schema):
    batch: str = Field(description="批次号")
    submitted: int = Field(description="提交成功的件数")
    failed: int = Field(description="未提交的件数")
    results: list[BatchSubmitResult] = Field(description="每名学生的结果,顺序同请求")


def _masked(payload):
    if isinstance(payload, dict):
        return {k: mask_id(v) if k in MASKED_KEYS and isinstance(v, str) else _masked(v) for k, v in payload.items()}
    if isinstance(payload, list):
        return [_masked(v) for v in payload]
    # A G student number anywhere in the payload (an earlier number, a note) carries the ID too.
    return mask_numbers_in_text(payload)


def _role_label(role: str) -> str:
    from xueji.accounts.models import Role

    return Role(role).label if role in Role.values else role


def step_json(step: Step, today: date) -> dict:
    return {
        "order": step.order, "label": step.label, "org": step.org_code, "org_name": step.org_name,
        "role": step.role, "role_label": _role_label(step.role), "status": step.status,
        "status_label": step.get_status_display(), "working_days": step.working_days,
        "started_at": step.started_at, "due_date": step.due_date,
        "overdue": bool(step.status == Step.Status.PENDING and step.due_date and step.due_date < today),
        "decider": step.decider.username if step.decider else None,
        "decider_name": str(step.decider) if step.decider else None,
        "comment": step.comment, "decided_at": step.decided_at,
    }


def evidence_json(item: Evidence) -> dict:
    return {
        "id": item.pk, "kind": item.kind, "original_name": item.original_name, "content_type": item.content_type,
        "size": item.size, "uploaded_at": item.uploaded_at, "uploaded_by": item.uploaded_by.username,
        "url": reverse("api:application_evidence", kwargs={"application_id": item.application_id,
                                                           "evidence_id": item.pk}),
    }


def _student_json(application: Application) -> dict | None:
    s = application.student
    if s is None:  # a scoped application (e.g. access, 第四十四条): its scope is in the payload
        return None
    return {
        "id": s.pk, "key": s.key, "student_number": mask_student_number(s.student_number), "name": s.name, "gender": s.gender,
        "grade": s.grade, "grade_label": GRADE_LABELS.get(s.grade, str(s.grade)), "status": s.status,
        "school": s.school_id, "school_name": s.school.name,
    }


def application_json(application: Application, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    steps = sorted(application.steps.all(), key=lambda s: s.order)
    pending = application.status == Application.Status.PENDING
    current = next((s.order for s in steps if s.status == Step.Status.PENDING), None)
    step_rows = [step_json(s, today) for s in steps]
    late = bool(application.due_date and application.due_date < today)
    changes = [{**row, "old": _masked({row["field"]: row["old"]})[row["field"]],
                "new": _masked({row["field"]: row["new"]})[row["field"]]}
               for row in selectors.change_rows(application)]
    return {
        "id": application.pk, "type": application.type, "type_label": application.type_label,
        "article": change_type(application.type).article,
        "status": application.status, "status_label": application.get_status_display(),
        "student": _student_json(application), "school": application.school_id,
        "school_name": application.school.name if application.school_id else None, "reason": application.reason,
        "payload": _masked(application.payload), "changes": changes,
        "due_date": application.due_date,
        "days_left": (application.due_date - today).days if application.due_date else None,
        "overdue": pending and (late or any(r["overdue"] for r in step_rows)),
        "created_at": application.created_at, "created_by": application.created_by.username,
        "decided_at": application.decided_at, "batch": application.batch, "current_step": current,
        "steps": step_rows,
        "evidence": [evidence_json(e) for e in application.evidence.all()],
    }
