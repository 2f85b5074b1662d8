"""Student lists as .xlsx: the search results and a class's students, exactly the rows the page's filters select,
with identity numbers masked (a whole number needs a reason under 第四十四条, which a list export does not ask)."""

from django.http import FileResponse

from xueji.audit.exports import Sheet, export
from xueji.core.errors import NotFound
from xueji.core.masking import mask_id, mask_student_number
from xueji.orgs.permissions import SchoolPolicy
from xueji.policy import codes
from xueji.policy.fields import GRADE_LABELS

from .selectors import search_students

SHEET = Sheet(
    "学生名单",
    ("序号", "姓名", "学籍号", "性别", "出生日期", "身份证件类型", "身份证件号", "学校标识码", "学校", "年级", "班级",
     "学籍状态"),
    text_columns=(2, 4, 6, 7),
    widths=(8, 12, 22, 6, 12, 14, 22, 13, 28, 8, 10, 8),
)
FIELDS = ("name", "student_number", "gender", "birth_date", "id_type", "id_number", "school_id", "school__name",
          "grade", "school_class__name", "status")


def row(index: int, item: tuple) -> list:
    name, number, gender, birth, id_type, id_number, school_id, school_name, grade, class_name, status = item
    return [index, name, mask_student_number(number) or "", codes.GENDER.get(gender, gender), birth,
            codes.ID_TYPE.get(id_type, id_type), mask_id(id_number), school_id, school_name,
            GRADE_LABELS.get(grade, grade), class_name or "未分班", status]


def export_students(user, q: str = "", *, school: str | None = None, status: str | None = None,
                    grade: int | None = None, school_class: int | None = None) -> FileResponse:
    """The students search_students finds for these filters, as the page and the API list them, in one file."""
    if school and not SchoolPolicy.visible_to(user).filter(pk=school).exists():
        # Naming another jurisdiction's school is refused and logged, not answered with an empty file.
        raise NotFound("未找到该学校,或该学校不在您的管辖范围内",
                       actor=user, action="student.export", object_type="school", object_id=school)
    qs = search_students(user, q, school=school, status=status, grade=grade, school_class=school_class)
    filters = {"q": q, "school": school, "status": status, "grade": grade, "class": school_class}
    return export(user, "student.export", sheet=SHEET, queryset=qs.prefetch_related(None).values_list(*FIELDS), row=row,
                  filters=filters, object_type="student")
