"""/api/v1/graduation: graduation batches (decide all or some), the 毕业生花名册, the city's sealing.

Filing is POST /api/v1/applications {type: "graduation", school, students: [...]} (answered by `propose_json`,
registered with the change type); these endpoints call the same services as the pages.
"""

from typing import Literal

from django.http import HttpResponse, JsonResponse
from ninja import Field, Query, Router, Schema, Status

from xueji.api.common import errors

from . import roster, selectors, services
from .schemas import BatchOut, BatchSummaryOut, DecideIn, DecisionOut, SealIn, SealingOut

router = Router(tags=["毕业(第三十四–三十六条)"])


def batch_json(user, batch: str) -> dict:
    apps = selectors.find_batch(user, batch)
    first = apps[0]
    rows = selectors.batch_rows(apps)
    return {
        "id": batch, "type": "graduation", "school": first.school_id, "school_name": first.school.name,
        "status": "pending" if any(r["status"] == "pending" for r in rows) else "done", "count": len(apps),
        "steps": [{"org": s.org_code, "org_name": s.org_name, "role": s.role, "label": s.label, "status": s.status,
                   "due_date": s.due_date} for s in first.steps.all()],
        "students": [{"application": r["application"], "student": r["student"].key, "name": r["student"].name,
                      "class_name": r["class_name"], "status": r["status"], "record_status": r["record_status"],
                      "step": r["step"], "certificate": r["certificate"], "sealed_on": r["sealed_on"]}
                     for r in rows],
    }


def propose_json(user, body: dict) -> JsonResponse:
    """POST /api/v1/applications with type graduation and a list of students: 201 with the batch."""
    from pydantic import ValidationError

    from xueji.core.errors import malformed

    from .schemas import ProposeIn

    try:
        data = ProposeIn(**body)
    except ValidationError as exc:
        loc = exc.errors()[0].get("loc") or ("students",)
        raise malformed(str(loc[0]), "毕业申请须为 {type: \"graduation\", school: 学校标识码, students: [学籍号, …]},"
                                     "students 最多5000项") from None
    batch = services.propose(user, data.school, data.students, reason=data.reason)
    return JsonResponse(BatchOut(**batch_json(user, batch)).model_dump(mode="json"), status=201,
                        json_dumps_params={"ensure_ascii": False})


@router.get("/batches", response={200: list[BatchSummaryOut], **errors(401)}, summary="可查看的毕业申请批次")
def list_batches(request, awaiting: Literal["me"] | None = Query(None, description="me:当前环节待我办理的")):
    rows = selectors.batches(request.user, awaiting_me=awaiting == "me")
    return [{"id": r["batch"], "school": r["school_id"], "school_name": r["school__name"], "total": r["total"],
             "pending": r["pending"], "approved": r["approved"], "rejected": r["rejected"]} for r in rows]


@router.get("/batches/{batch}", response={200: BatchOut, **errors(401, 404)}, summary="一批毕业申请")
def read_batch(request, batch: str):
    """不存在或不在管辖范围内返回 404。"""
    return batch_json(request.user, batch)


@router.post("/batches/{batch}/approve", response={200: DecisionOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="同意(整批,或 students 指定/exclude 排除部分学生)")
def approve(request, batch: str, payload: DecideIn):
    """办理本批学生的当前环节。最后一个环节通过时学籍状态变为“毕业”并按政策的编号单位编发毕业证书编号
    (小学、初中由县级编号);普通高中在市级核准后等待全市统一验印(POST /api/v1/graduation/sealings)。"""
    return services.decide(request.user, batch, approve=True, students=payload.students, exclude=payload.exclude,
                           comment=payload.comment)


@router.post("/batches/{batch}/reject", response={200: DecisionOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="驳回(整批或部分学生,须写明理由)")
def reject(request, batch: str, payload: DecideIn):
    return services.decide(request.user, batch, approve=False, students=payload.students, exclude=payload.exclude,
                           comment=payload.comment)


@router.get("/batches/{batch}/roster", response={200: None, **errors(401, 404, 422)},
            summary="毕业生花名册(附件5):xlsx 或 PDF")
def download_roster(request, batch: str, format: Literal["xlsx", "pdf"] = "xlsx",
                    reason: str = Query("", max_length=200, description="查阅事由;填写后显示完整身份证件号(第四十四条)。"
                                        "建议改用 POST,事由放在请求体中")):
    """身份证件号默认掩码。完整号码:本校人员为日常工作;其他人员须持有效查阅批准,否则 422(第四十四条)。"""
    return _roster_file(request.user, batch, format, reason)


class RosterIn(Schema):
    format: Literal["xlsx", "pdf"] = "xlsx"
    reason: str = Field("", max_length=200, description="查阅事由;填写后显示完整身份证件号(第四十四条)")


@router.post("/batches/{batch}/roster", response={200: None, **errors(401, 404, 422)},
             summary="毕业生花名册(附件5),查阅事由放在请求体中")
def download_roster_post(request, batch: str, payload: RosterIn):
    """与 GET 相同,事由在 JSON 请求体 `{format, reason}` 中提交,不进入 URL(服务器日志、浏览历史)。
    完整身份证件号:本校人员为日常工作;其他人员须持有效查阅批准,否则 422(第四十四条),均记入查阅登记。"""
    return _roster_file(request.user, batch, payload.format, payload.reason)


def _roster_file(user, batch: str, fmt: str, reason: str) -> HttpResponse:
    data = roster.roster(user, batch, reason=reason, fmt=fmt)
    if fmt == "pdf":
        return _download(roster.pdf_bytes(data), "application/pdf", f"毕业生花名册-{batch}.pdf")
    return _download(roster.xlsx(data), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     f"毕业生花名册-{batch}.xlsx")


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def sealing_json(s) -> dict:
    return {"id": s.pk, "city": s.city_id, "city_name": s.city.name, "school_year": s.school_year,
            "sealed_on": s.sealed_on, "sealed_by": s.sealed_by.username, "count": s.count, "rejected": s.rejected}


@router.get("/sealings", response={200: list[SealingOut], **errors(401)}, summary="毕业证书验印记录")
def list_sealings(request):
    return [sealing_json(s) for s in selectors.sealings(request.user)]


@router.post("/sealings", response={201: SealingOut, **errors(400, 401, 403, 422)},
             summary="全市毕业证书一次性验印(第三十六条)")
def create_sealing(request, payload: SealIn):
    """市级学籍主管部门每学年一次:已核准的普通高中毕业生全部编号、验印,学籍状态变为“毕业”。
    超过政策规定的期限(山西:5月31日)或本学年已验印的,返回 422(第三十六条)。"""
    sealing = services.seal(request.user, payload.school_year)
    return Status(201, sealing_json(sealing))
