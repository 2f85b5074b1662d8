"""Printed forms as PDF: GET /api/v1/applications/{id}/form.pdf (附件7–10 of a status change),
GET /api/v1/students/{key}/forms/basic-info.pdf and
GET /api/v1/schools/{school_code}/classes/{class_id}/forms/basic-info.pdf (附件6 学生基本信息表)."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from ninja import Query, Router

from xueji.api.common import ObjectId, errors

from . import change_forms, selectors

router = Router(tags=["表格打印"])

PDF_RESPONSE = {
    "responses": {
        200: {
            "description": "PDF 文件(A4),内嵌并子集化的中文字体,文字可复制检索",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        },
    },
}


def pdf_response(printout: selectors.Printout) -> HttpResponse:
    response = HttpResponse(printout.content, content_type="application/pdf")
    # inline: the browser opens it for printing; the name is what "save" proposes.
    response["Content-Disposition"] = content_disposition_header(False, printout.filename)
    response["X-Xueji-Students"] = str(printout.count)
    response["Cache-Control"] = "private, no-store"
    return response


REASON = "查阅事由:填写后打印完整身份证件号和G字头学籍号,事由记入审计日志(第四十四条);不填则部分隐去"


@router.get("/students/{key}/forms/basic-info.pdf", response={200: None, **errors(401, 404, 422, 503)},
            openapi_extra=PDF_RESPONSE, url_name="student_basic_info_pdf",
            summary="打印学生基本信息表(附件6,PDF)")
def student_basic_info(request, key: str, reason: str = Query("", max_length=200, description=REASON)):  # noqa: B008
    """供监护人核对签字的《学生基本信息表》(第十一条),一名学生一页。{key} 为学籍号(含曾用号),
    尚未发号的学生用档案ID。学生和家庭成员的身份证件号默认部分隐去;填写 reason(查阅事由)后打印完整号码,
    事由记入审计日志(第四十四条),事由过短返回 422。
    不在管辖范围内返回 404;服务器缺少字体或 PDF 组件时返回 503,并写明需安装的软件包。"""
    return pdf_response(selectors.student_basic_info(request.user, key, reason))


@router.get("/schools/{school_code}/classes/{class_id}/forms/basic-info.pdf",
            response={200: None, **errors(401, 404, 422, 503)}, openapi_extra=PDF_RESPONSE,
            url_name="class_basic_info_pdf", summary="打印全班学生基本信息表(附件6,PDF)")
def class_basic_info(request, school_code: str, class_id: ObjectId,
                     reason: str = Query("", max_length=200, description=REASON)):  # noqa: B008
    """全班在读学生(待注册、在籍、休学)的《学生基本信息表》,每人一页,按班内学号排列;响应头
    X-Xueji-Students 为人数。身份证件号默认部分隐去,填写 reason 后完整打印。班级没有在读学生时返回 422。"""
    return pdf_response(selectors.class_basic_info(request.user, class_id, school_code=school_code, reason=reason))


@router.get("/applications/{application_id}/form.pdf", response={200: None, **errors(401, 404, 422, 503)},
            openapi_extra=PDF_RESPONSE, url_name="application_form_pdf",
            summary="打印学籍异动申请表(附件7–10,PDF)")
def application_form(request, application_id: str,
                     reason: str = Query("", max_length=200, description=REASON)):  # noqa: B008
    """申请对应的纸质申请表:休学、延长休学、复学为附件7,转学(含跨省转入转出)为附件8,借读为附件9,
    退学和自动退学为附件10。表中填入学生基本信息、申请事项、监护人签字栏,以及每个审批环节的意见栏
    (已办理的环节填入单位、同意或不同意、意见、经办人和日期,未办理的留空供签字盖章)。
    学生身份证件号、G字头学籍号和监护人电话默认部分隐去;填写 reason(查阅事由)后完整打印,事由记入审计日志,
    并登记查阅(第四十四条),事由过短返回 422。
    看不到该申请的用户返回 404;该类申请没有对应表格时返回 422;服务器缺少字体或 PDF 组件时返回 503。"""
    return pdf_response(change_forms.change_form(request.user, application_id, reason))
