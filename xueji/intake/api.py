"""/api/v1/imports and /api/v1/duplicates: bulk admission from a spreadsheet and the authority's decisions on
suspected duplicates. The endpoints call the same services as the pages and run synchronously."""

from datetime import date, datetime
from typing import Annotated, Literal
from urllib.parse import quote

from django.http import HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from xueji.api.common import ObjectId, errors
from xueji.core.masking import STUDENT_NUMBER_DOC
from xueji.orgs.selectors import find_school

from . import selectors, services
from .models import DuplicateCase, ImportBatch
from .template import FILENAME, XLSX_TYPE, template_bytes

router = Router(tags=["批量导入与查重"])


class ImportErrorOut(Schema):
    row: int = Field(description="行号,与表格软件中显示的一致(表头为第1行)")
    column: str = Field(description="列名(导入模板的中文列名),如“身份证件号”“成员1联系电话”;表头问题为“表头”")
    field: str | None = Field(None, description="字段名(snake_case),如 id_number、family[0].phone")
    code: str = Field(description="错误代码,如 id_check_digit、invalid_code、registered_elsewhere")
    article: str | None = Field(None, description="所依据的条款,如“第十四条”")
    message: str = Field(description="中文说明:哪里有误、如何改正")


class ProgressOut(Schema):
    done: int = Field(description="已处理的数据行数")
    total: int | None = Field(None, description="数据行总数(未知时为 null)")
    percent: int = Field(description="完成百分比")
    phase: str = Field(description="当前步骤")
    stale: bool = Field(description="处理进程是否已中断(进程已退出或心跳超时);中断的批次可重新处理(retry)或放弃(discard)")


class ImportOut(Schema):
    id: int = Field(description="导入批次ID")
    school: str = Field(description="学校标识码")
    file_name: str = Field(description="上传的文件名")
    sha256: str = Field(description="文件的 SHA-256 指纹;同一文件导入过一次后不会重复写入")
    status: str = Field(description="validating 校验中、validated 已校验待确认、committing 写入中、committed 已导入、failed 失败")
    status_label: str = Field(description="状态的中文名称")
    commit_mode: str = Field(description="valid_only 只导入无误的行;all_or_nothing 全部无误才导入;未导入时为空")
    rows_total: int = Field(description="数据行数")
    rows_ok: int = Field(description="无误的行数")
    rows_new: int = Field(description="其中新建学籍的行数")
    rows_continued: int = Field(description="其中升学接续已有学籍的行数(第四条、第十二条)")
    suspected: int = Field(description="疑似重复的行数(导入后报主管部门认定,第十四条)")
    error_count: int = Field(description="错误处数")
    errors: list[ImportErrorOut] = Field(description="每一行每一处错误(最多保存前 20000 处)")
    skipped_rows: list[int] = Field(description="按“只导入无误的行”导入时未导入的行号")
    applications_submitted: int = Field(description="导入后直接提交的注册申请数")
    message: str = Field(description="结果说明")
    progress: ProgressOut
    created_at: datetime
    committed_at: datetime | None = None


class CommitIn(Schema):
    mode: Literal["valid_only", "all_or_nothing"] = Field(
        "valid_only", description="valid_only 只导入无误的行(有错误的行列入 skipped_rows);all_or_nothing 全部无误才导入")
    submit_registration: bool = Field(False, description="导入后为每名新生直接提交学籍注册申请(第十一条)")


class RecordOut(Schema):
    id: int = Field(description="学籍记录ID")
    key: str | None = Field(None, description="学籍号或记录ID;无权查看该学生时为 null")
    name: str
    gender: str
    birth_date: date
    id_number: str = Field(description="掩码后的身份证件号")
    student_number: str | None = Field(None, description=STUDENT_NUMBER_DOC + ";无权查看时为 null")
    status: str
    school: str = Field(description="学校名称;不在管辖范围内时为“省内其他学校”")
    grade: int
    visible: bool = Field(description="调用者能否查阅该学生的完整档案")


class CaseOut(Schema):
    id: int
    status: str = Field(description="open 待处理、kept_both 保留两条、merged 已合并")
    status_label: str
    reasons: list[str] = Field(description="疑似原因代码:pinyin、transposed_id、guardian、name_birth")
    reason_labels: list[str]
    school: str = Field(description="导入学校的标识码")
    school_name: str
    authority: str = Field(description="处理部门的行政区划代码")
    authority_name: str
    batch: int | None = Field(None, description="导入批次ID")
    student: RecordOut = Field(description="新建的学籍(待注册)")
    existing: RecordOut = Field(description="已有的学籍")
    created_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    comment: str


class DecideIn(Schema):
    decision: Literal["keep_both", "merge"] = Field(
        description="keep_both 确认不是同一人,保留两条;merge 确认同一人,新建学籍注销并指向已有学籍")
    comment: str = Field("", max_length=500, description="处理意见(必填,写明核实依据,至少2个字;缺少时返回422)")


class CaseRevealIn(Schema):
    reason: str = Field(max_length=200, description="查阅事由(必填,记入审计日志,第四十四条)")


class CaseRevealOut(Schema):
    student: str = Field(description="新建学籍的完整身份证件号")
    existing: str = Field(description="已有学籍的完整身份证件号")
    differing: list[int] = Field(description="两个证件号不同的字符位置(从0起),即疑似互换的数字")


def batch_json(batch: ImportBatch) -> dict:
    return {
        "id": batch.pk, "school": batch.school_id, "file_name": batch.original_name, "sha256": batch.sha256,
        "status": batch.status, "status_label": batch.get_status_display(), "commit_mode": batch.commit_mode,
        "rows_total": batch.rows_total, "rows_ok": batch.rows_ok, "rows_new": batch.rows_new,
        "rows_continued": batch.rows_continued, "suspected": batch.suspected, "error_count": batch.error_count,
        "errors": batch.errors, "skipped_rows": batch.skipped_rows,
        "applications_submitted": batch.applications_submitted, "message": batch.message,
        "progress": services.progress(batch), "created_at": batch.created_at, "committed_at": batch.committed_at,
    }


def case_json(user, case: DuplicateCase) -> dict:
    return {
        "id": case.pk, "status": case.status, "status_label": case.get_status_display(), "reasons": case.reasons,
        "reason_labels": case.reason_labels, "school": case.school_id, "school_name": case.school.name,
        "authority": case.authority_id, "authority_name": case.authority.name, "batch": case.batch_id,
        "student": selectors.record_view(user, case.student), "existing": selectors.record_view(user, case.existing),
        "created_at": case.created_at, "decided_by": str(case.decided_by) if case.decided_by else None,
        "decided_at": case.decided_at, "comment": case.comment,
    }


@router.get("/imports/template", response={200: None, **errors(401)}, summary="下载导入模板(.xlsx)")
def download_template(request):
    """《学生基本信息表》72项为列名,所有单元格为文本格式(身份证件号不会被转换成数字);表头批注说明填法,
    第二个工作表为代码表。"""
    return template_response()


def template_response() -> HttpResponse:
    response = HttpResponse(template_bytes(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(FILENAME)}"
    return response


@router.post("/imports", response={201: ImportOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="上传学生表格,校验或直接导入")
def create_import(
    request,
    file: Annotated[UploadedFile, File(description=".xlsx、.xls 或 .csv(UTF-8 或 GB18030),列名为导入模板的中文列名")],
    school: Annotated[str, Form(description="学校标识码(本校)")],
    commit: Annotated[Literal["valid_only", "all_or_nothing"] | None,
                      Form(description="省略:只校验不写入;valid_only:写入无误的行;all_or_nothing:全部无误才写入")] = None,
    submit_registration: Annotated[bool, Form(description="导入后直接提交注册申请")] = False,
):
    """逐行逐项校验,一次列出全部错误(行号、列名、代码、中文说明),包括被表格软件转成数字的身份证件号。
    在其他学校在籍、休学的学生被拒绝(第十四条,转入须办理转学,第十七条);已毕业的学生,以及六年级、初三在籍学生
    在春季学期结束后至秋季开学一个月内,由本校接续原学籍(第四条、第十二条),原有家庭成员和监护人信息不被表格覆盖;疑似重复的报主管部门认定,
    认定前不提交注册申请。同一文件已导入过的返回 409,不重复写入。
    超出导入上限的文件(解压后大小、压缩比、行数、列数、单元格长度、处理时间,见 README)返回 422,
    批次记为失败。只有本校学籍管理员可以导入。"""
    target = find_school(request.user, school, purpose="import")
    batch = services.import_file(request.user, target, file, commit=commit, submit_registration=submit_registration)
    services.raise_if_refused(batch)
    return Status(201, batch_json(batch))


@router.get("/imports", response={200: list[ImportOut], **errors(401)}, summary="管辖范围内的导入批次")
def list_imports(request, school: str | None = Query(None, description="学校标识码")):
    """最近的在前,最多 100 个。"""
    qs = selectors.batches_for(request.user)
    if school:
        qs = qs.filter(school_id=school)
    return [batch_json(b) for b in qs[:100]]


@router.get("/imports/{batch_id}", response={200: ImportOut, **errors(401, 404)}, summary="一个导入批次的结果与进度")
def read_import(request, batch_id: ObjectId):
    return batch_json(selectors.find_batch(request.user, batch_id))


@router.post("/imports/{batch_id}/commit", response={200: ImportOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="确认导入已校验的批次")
def commit_import(request, batch_id: ObjectId, payload: CommitIn):
    """重新读取并校验文件后在一个事务中写入:要么写入全部无误的行,要么什么都不写,不会只写一半。
    all_or_nothing 模式下仍有错误时返回 422,未写入任何数据。"""
    batch = selectors.find_batch(request.user, batch_id)
    services.request_commit(request.user, batch, mode=payload.mode, submit_registration=payload.submit_registration)
    batch = services.run_commit(batch.pk)
    if batch.status != ImportBatch.Status.COMMITTED:
        services.raise_not_committed(batch)
    return batch_json(batch)


@router.post("/imports/{batch_id}/retry", response={200: ImportOut, **errors(401, 403, 404, 409, 422)},
             summary="重新处理处理进程已中断的批次")
def retry_import(request, batch_id: int):
    """只适用于处理进程已中断的批次(progress.stale 为 true):从头重新校验,或重新写入(中断的写入已整体回滚,
    未写入任何数据)。仍在处理或已结束的批次返回 409。只有本校学籍管理员可以操作。"""
    selectors.find_batch(request.user, batch_id)
    batch, job = services.retry(request.user, batch_id)
    batch = job(batch.pk)
    services.raise_if_refused(batch)
    return batch_json(batch)


@router.post("/imports/{batch_id}/discard", response={200: ImportOut, **errors(401, 403, 404, 409)},
             summary="放弃处理进程已中断或不再导入的批次")
def discard_import(request, batch_id: int):
    """处理进程已中断的批次,或已校验但不再导入的批次,记为失败并注明放弃人;不删除任何记录。
    正在处理、已导入或已失败的批次返回 409。只有本校学籍管理员可以操作。"""
    selectors.find_batch(request.user, batch_id)
    return batch_json(services.discard(request.user, batch_id))


@router.get("/duplicates", response={200: list[CaseOut], **errors(401, 403)}, summary="疑似重复学籍(待主管部门认定)")
def list_cases(request, status: Literal["open", "kept_both", "merged"] | None = Query(None, description="状态")):
    """县级看本县、市级看本市及所辖县的疑似重复;只列出管辖范围内的记录,最多 200 条。"""
    return [case_json(request.user, c) for c in selectors.cases_for(request.user, status)[:200]]


@router.get("/duplicates/{case_id}", response={200: CaseOut, **errors(401, 403, 404)}, summary="一条疑似重复")
def read_case(request, case_id: ObjectId):
    return case_json(request.user, selectors.find_case(request.user, case_id))


@router.post("/duplicates/{case_id}/decide", response={200: CaseOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="认定疑似重复:保留两条或合并")
def decide_case(request, case_id: ObjectId, payload: DecideIn):
    """合并:新建的(待注册)学籍注销,学籍事件中注明并入的已有学籍,不删除任何记录;决定记入审计日志(第十四条)。"""
    selectors.find_case(request.user, case_id)
    case = services.decide_case(request.user, case_id, payload.decision, payload.comment)
    case = selectors.find_case(request.user, case.pk)
    return case_json(request.user, case)


@router.post("/duplicates/{case_id}/reveal-ids", response={200: CaseRevealOut, **errors(400, 401, 403, 404, 422)},
             summary="查看疑似重复两条学籍的完整身份证件号(须填写事由)")
def reveal_case_ids(request, case_id: int, payload: CaseRevealIn):
    """供认定时核对检测到的不同数字;事由与查阅人、时间对两条学籍分别记入审计日志(第四十四条)。"""
    selectors.find_case(request.user, case_id)
    return services.reveal_case_ids(request.user, case_id, payload.reason)
