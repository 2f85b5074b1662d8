"""JSON and files of certificates (第三十四–三十八条):
GET /api/v1/students/{key}/certificates, GET /api/v1/certificates/{number}.pdf,
GET /api/v1/schools/{school_code}/certificates (?format=xlsx), GET /api/v1/schools/{school_code}/certificates.pdf and
POST /api/v1/certificates/lookup (the graduating school finds a holder who has left it, by number and name).
结业、肄业 and 学历证明 are filed as applications: POST /api/v1/applications {type: completion | incomplete |
education_proof, student, …}."""

from datetime import date
from typing import Annotated, Literal

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, Query, Router, Schema

from xueji.api.common import Year, errors
from xueji.forms.api import PDF_RESPONSE, pdf_response

from . import documents, selectors

router = Router(tags=["证书:毕业、结业、肄业与学历证明"])

SchoolYear = Annotated[Year, Query(description="学年(起始年份),如 2026 即 2026–2027 学年")]
Kind = Literal["毕业", "结业", "肄业", "学历证明"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CertificateOut(Schema):
    kind: str = Field(description="毕业、结业、肄业 或 学历证明")
    number: str = Field(description="证书编号,永久唯一")
    stage: str = Field(description="学段:primary、junior、senior")
    school: str = Field(description="发证学校标识码")
    school_name: str
    school_year: int = Field(description="学年(起始年份)")
    issued_on: date
    sealed_on: date | None = Field(None, description="验印日期;学历证明经主管教育行政部门验印后生效(第三十八条)")
    proves: str | None = Field(None, description="学历证明所证明的原证书编号")
    reason: str = Field("", description="再次出具学历证明时主管教育行政部门写明的理由")
    stub_archived: bool = Field(description="存根已存入学校学籍档案(第六条)")
    effective: bool = Field(description="学历证明须已验印;其余证书发出即有效")


class RegisterRowOut(CertificateOut):
    student: str = Field(description="学生键:J、L 字头学籍号,否则为档案ID(G字头学籍号不作键输出)")
    student_name: str


def certificate_json(c) -> dict:
    return {"kind": c.kind, "number": c.number, "stage": c.stage, "school": c.school_id, "school_name": c.school.name,
            "school_year": c.school_year, "issued_on": c.issued_on, "sealed_on": c.sealed_on,
            "proves": c.proves.number if c.proves_id else None, "reason": c.reason, "stub_archived": c.stub_archived,
            "effective": c.kind != "学历证明" or c.sealed_on is not None}


@router.get("/students/{key}/certificates", response={200: list[CertificateOut], **errors(401, 404)},
            summary="学生的证书(毕业、结业、肄业、学历证明)")
def student_certificates(request, key: str):
    """该学生取得的全部证书,按发证日期排列。证书遗失一律不补发(第三十八条),只有学历证明。
    不在管辖范围内返回 404,每次查阅记入审计日志。"""
    _student, rows = selectors.certificates_of(request.user, key)
    return [certificate_json(c) for c in rows]


class LookupIn(Schema):
    number: str = Field(max_length=40, description="遗失证书的编号")
    name: str = Field(max_length=50, description="持证人姓名")


class HolderOut(Schema):
    certificate: CertificateOut
    student: str = Field(description="学生键,作为 POST /api/v1/applications 的 student(type=education_proof)")
    student_name: str


@router.post("/certificates/lookup", response={200: HolderOut, **errors(401, 404, 422)},
             summary="按证书编号和姓名查找持证人(出具学历证明)")
def certificate_lookup(request, payload: LookupIn):
    """毕业学校为已离校(如已升入他校初中)的学生出具学历证明(第三十八条)时,凭本校(本辖区)发出的证书编号和
    持证人姓名找到该学生,再以 `{"type": "education_proof", "student": <student>, "certificate": <编号>}` 提交申请,
    申请即在发证学校办理、由其主管部门验印。两项须同时相符,不相符或不在管辖范围内一律返回 404;每次查找记入审计日志。"""
    c = selectors.holder_of(request.user, payload.number, payload.name)
    return {"certificate": certificate_json(c), "student": c.student.key, "student_name": c.student.name}


@router.get("/certificates/{number}.pdf", response={200: None, **errors(401, 404, 503)}, openapi_extra=PDF_RESPONSE,
            summary="打印一份证书(PDF)")
def certificate_pdf(request, number: str):
    """毕业证书;结业、肄业证书(附件11)和学历证明书(附件12)连同存根。看不到该证书返回 404。"""
    return pdf_response(documents.one(request.user, number))


@router.get("/schools/{school_code}/certificates.pdf", response={200: None, **errors(401, 404, 422, 503)},
            openapi_extra=PDF_RESPONSE, summary="批量打印学校一个学年的证书(PDF)")
def school_certificates_pdf(request, school_code: str, year: SchoolYear,
                            kind: Kind | None = None):
    """学校及其主管部门打印该校一个学年的全部证书(可按种类),一证一页,按编号排列;响应头 X-Xueji-Students
    为张数。没有证书时返回 422。"""
    return pdf_response(documents.batch(request.user, school_code, year, kind))


@router.get("/schools/{school_code}/certificates", response={200: list[RegisterRowOut], **errors(401, 404)},
            openapi_extra={"responses": {200: {"description": "证书存根登记;?format=xlsx 时为 .xlsx 文件",
                                               "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}}},
            summary="学校证书存根登记(学校学籍档案,第六条)")
def school_register(request, school_code: str, year: SchoolYear | None = None,
                    format: Literal["json", "xlsx"] = "json"):
    """学校发出的全部证书的存根登记:编号、学生、种类、日期。?format=xlsx 下载电子表格。"""
    if format == "xlsx":
        filename, content = documents.register_xlsx(request.user, school_code, year)
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
    school = selectors.find_school(request.user, school_code, action="certificate.register")
    rows = list(selectors.school_register(school, year=year))
    selectors.log_register(request.user, school, "certificate.register", len(rows), year)
    return [{**certificate_json(c), "student": c.student.key, "student_name": c.student.name} for c in rows]
