"""/api/v1/students: the person-level record, read through the jurisdiction policy and written by services.

{key} is the record id (`id` in every answer), or a student number, current or earlier. Answers show a G number
masked like the ID it contains; the full one is read with the ID through reveal-id (第四十四条).
"""

from functools import partial
from typing import Annotated, Literal

from django.db.models import Prefetch, prefetch_related_objects
from django.http import FileResponse
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from xueji.api.common import ObjectId, Page, PageNumber, PageSize, errors, paginate
from xueji.audit.exports import FORMAT_DOC, XLSX_OPENAPI
from xueji.core.errors import NotFound
from xueji.orgs.selectors import find_school

from . import name_search, selectors, services
from .exports import export_students
from .models import FamilyMember, Student, StudentNumber
from .schemas import (
    RevealIn,
    RevealOut,
    StatusEventOut,
    StudentCreateIn,
    StudentOut,
    StudentPatchIn,
    StudentSummaryOut,
    event_json,
    student_json,
    summary_json,
)

router = Router(tags=["学生学籍"])


def _record(student: Student) -> Student:
    """The student (re-read: a service may have changed him) with what the JSON needs, in a fixed handful of
    queries. Explicit orderings: the models' defaults start with the student, a join and a sort for nothing."""
    student = Student.objects.select_related("school", "school_class").order_by().get(pk=student.pk)
    prefetch_related_objects([student], Prefetch("family", FamilyMember.objects.order_by("position")),
                             Prefetch("numbers", StudentNumber.objects.order_by("issued_at", "number")))
    return student


@router.post("", response={201: StudentOut, **errors(400, 401, 403, 404, 409, 422)}, by_alias=True,
             summary="录入学生,建立待注册的学籍档案")
def create_student(request, payload: StudentCreateIn):
    """由本校学籍管理员录入;档案状态为“待注册”,学籍号在注册审批通过后发放(第十一条)。
    字段值有误时返回 422,errors 中逐项写明字段(field)与改正办法;身份证件号已登记过的返回 409(第十四条)。"""
    school = find_school(request.user, payload.school, purpose="create_student")
    raw = payload.model_dump(exclude_unset=True, exclude={"school"})
    student = services.create_student(request.user, school, raw)
    return Status(201, student_json(_record(student)))


@router.get("", response={200: Page[StudentSummaryOut], **errors(400, 401, 404, 422)}, by_alias=True,
            openapi_extra=XLSX_OPENAPI, summary="查找管辖范围内的学生(format=xlsx 导出)")
def search_students(
    request,
    q: str = Query("", description="姓名(含生僻字)、姓名拼音、曾用名、学籍号(含曾用号)或身份证件号"),
    school: str | None = Query(None, description="学校标识码"),
    status: str | None = Query(None, description="学籍状态,如 在籍、待注册"),
    grade: int | None = Query(None, ge=1, le=12, description="年级 1–12"),
    school_class: ObjectId | None = Query(None, alias="class", description="班级ID"),  # noqa: B008
    page: PageNumber = 1,
    page_size: PageSize = 50,
    format: Literal["json", "xlsx"] = Query("json", description=FORMAT_DOC),
):
    """列表中的身份证件号和G字头学籍号以掩码显示;q 可为完整学籍号或身份证件号。每次查找都记入审计日志。
    format=xlsx 时导出符合条件的全部学生(不分页;超过导出上限时 422);school 不在管辖范围内时 404。"""
    if format == "xlsx":
        return export_students(request.user, q, school=school, status=status, grade=grade,
                               school_class=school_class)
    qs = selectors.as_list(selectors.search_students(request.user, q, school=school, status=status, grade=grade,
                                                     school_class=school_class))
    filters = {"school": school, "status": status, "grade": grade, "class": school_class}
    fetch = partial(name_search.indexed_page, request.user, q, filtered=any(v for v in filters.values()))
    body, count = paginate(qs, page, page_size, summary_json, fetch=fetch)
    selectors.audit_search(request.user, q, {k: v for k, v in filters.items() if v}, count)
    return body


@router.get("/{key}", response={200: StudentOut, **errors(401, 404)}, by_alias=True, summary="一名学生的完整档案")
def read_student(request, key: str):
    """不存在或不在管辖范围内的一律返回 404,并记录这次被拒绝的查阅。身份证件号以掩码显示,
    查看完整号码请用 POST /students/{key}/reveal-id 并填写事由。G字头学籍号含身份证件号,同样以掩码显示。
    {key} 为档案ID(响应中的 id),也接受完整的现用或曾用学籍号。"""
    student = selectors.find_student(request.user, key)
    return student_json(_record(student))


@router.patch("/{key}", response={200: StudentOut, **errors(400, 401, 403, 404, 422)}, by_alias=True,
              summary="修改学生的非受控信息")
def update_student(request, key: str, payload: StudentPatchIn):
    """只需提交要改的字段。姓名、性别、出生日期、身份证件类型和号码属受控信息,
    须通过学籍信息变更申请办理,直接修改返回 422(第十五条)。年级不得直接修改(不允许留级,第二十三条),
    返回 422;尚未注册(未发学籍号)的学生可更正年级。每次修改都记入学籍事件和审计日志。"""
    student = selectors.find_student(request.user, key, purpose="update", audit_read=False)
    raw = payload.model_dump(exclude_unset=True)
    student = services.update_student(request.user, student, raw)
    return student_json(_record(student))


@router.post("/{key}/reveal-id", response={200: RevealOut, **errors(400, 401, 404, 422)},
             summary="查看完整身份证件号和学籍号(须填写事由)")
def reveal_id(request, key: str, payload: RevealIn):
    """事由与查阅人、时间一同记入审计日志(第四十四条)。G字头学籍号含身份证件号,一同显示完整号码;
    未填写事由返回 422。"""
    student = selectors.find_student(request.user, key, purpose="unmask_id", audit_read=False)
    return services.reveal_identity(request.user, student, payload.reason)


@router.get("/{key}/events", response={200: list[StatusEventOut], **errors(401, 404)}, summary="学籍事件(按时间先后)")
def list_events(request, key: str):
    """建档、信息维护、异动等事件,最早的在前;修改类事件列出每个字段的原值和新值。"""
    student = selectors.find_student(request.user, key, purpose="events")
    events = student.events.select_related("school", "actor").order_by("at", "id")
    return [event_json(e) for e in events]


@router.put("/{key}/photo", response={200: StudentOut, **errors(400, 401, 403, 404, 422)}, by_alias=True,
            summary="上传学生照片")
def upload_photo(request, key: str, file: Annotated[UploadedFile, File(description="JPG 照片,小于60KB")]):
    """照片须为 JPG,浅蓝底,26×32 mm,小于60KB;原照片文件保留。"""
    student = selectors.find_student(request.user, key, purpose="photo", audit_read=False)
    student = services.set_photo(request.user, student, file)
    return student_json(_record(student))


@router.get("/{key}/photo", response={200: None, **errors(401, 404)}, url_name="student_photo",
            summary="读取学生照片")
def read_photo(request, key: str):
    """返回 image/jpeg;未上传照片时返回 404。"""
    student = selectors.find_student(request.user, key, purpose="photo_view")
    if not student.photo:
        raise NotFound("该学生尚未上传照片", refusal=False)  # the record is readable: no refusal
    return FileResponse(student.photo.open("rb"), content_type="image/jpeg")
