"""在校生分班名册 (附件3, 第六条): the school's students in school, by grade and class, with the items a roster
carries. An export of personal data: it passes the 第四十四条 gate (services.authorize) before it is built."""

from django.utils import timezone

from xueji.core.spreadsheets import xlsx_bytes
from xueji.policy import codes
from xueji.policy.fields import GRADE_LABELS
from xueji.students.models import Student

IN_SCHOOL = ("在籍", "休学")
HEADERS = ["序号", "年级", "班级", "班内学号", "学籍号", "姓名", "性别", "出生日期", "民族", "身份证件类型",
           "身份证件号", "户口性质", "入学年月", "入学方式", "就读方式", "现住址", "联系电话", "学籍状态", "备注"]
TEXT_COLUMNS = (3, 4, 10, 12, 16)  # 班内学号, 学籍号, 身份证件号, 入学年月, 联系电话


def students_of(school, grade: int | None = None):
    qs = Student.objects.filter(school=school, status__in=IN_SCHOOL)
    if grade:
        qs = qs.filter(grade=grade)
    return qs.select_related("school_class").order_by("grade", "school_class__name", "seat_number", "name", "id")


def row_of(index: int, s: Student) -> list:
    return [
        index, GRADE_LABELS.get(s.grade, str(s.grade)), s.school_class.name if s.school_class else "未编班",
        s.seat_number, s.student_number or "", s.name, codes.label(codes.GENDER, s.gender, s.gender),
        s.birth_date.isoformat(), codes.label(codes.ETHNICITY, s.ethnicity, s.ethnicity),
        codes.label(codes.ID_TYPE, s.id_type, s.id_type), s.id_number,
        codes.label(codes.HUKOU_NATURE, s.hukou_nature, s.hukou_nature), s.entry_month,
        codes.label(codes.ENTRY_MODE, s.entry_mode, s.entry_mode),
        codes.label(codes.ATTENDANCE_MODE, s.attendance_mode, s.attendance_mode), s.current_address, s.phone,
        s.status, "",
    ]


def rows(school, grade: int | None = None) -> list[list]:
    return [row_of(i, s) for i, s in enumerate(students_of(school, grade).iterator(chunk_size=2000), start=1)]


def as_dicts(table: list[list]) -> list[dict]:
    return [dict(zip(HEADERS, row, strict=True)) for row in table]


def xlsx(school, table: list[list]) -> bytes:
    heading = f"在校生分班名册(附件3)· {school.name}({school.code})· 导出日期 {timezone.localdate():%Y-%m-%d}"
    return xlsx_bytes("在校生分班名册", HEADERS, table, text_columns=TEXT_COLUMNS, heading=heading)


def filename(school) -> str:
    return f"roster-{school.code}-{timezone.localdate():%Y%m%d}.xlsx"
