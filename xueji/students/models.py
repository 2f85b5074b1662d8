"""The person-level student record (附件6's 72 items), its lifelong numbers, enrolments and status history.

One row per child for life (第四条 各学段随转, 第十一条 一人一号). Nothing here is ever deleted: a departure is an
enrolment that ends and a status event; an earlier student number stays as an alias of the same person.
"""

from django.conf import settings
from django.db import models

from xueji.core.masking import mask_student_number
from xueji.orgs.models import School, SchoolClass


class Status(models.TextChoices):
    PENDING = "待注册", "待注册"
    ENROLLED = "在籍", "在籍"
    SUSPENDED = "休学", "休学"
    DROPPED_OUT = "辍学", "辍学"
    WITHDRAWN = "退学", "退学"
    EXPELLED = "开除", "开除"
    DECEASED = "死亡", "死亡"
    GRADUATED = "毕业", "毕业"
    COMPLETED = "结业", "结业"
    INCOMPLETE = "肄业", "肄业"
    TRANSFERRED_OUT = "转出", "转出"
    CANCELLED = "注销", "注销(取消入学资格)"
    MISSING = "失踪", "失踪/其他离校"


def code_field(label: str, length: int = 2, **kw) -> models.CharField:
    return models.CharField(label, max_length=length, blank=True, default="", **kw)


def text_field(label: str, length: int, **kw) -> models.CharField:
    return models.CharField(label, max_length=length, blank=True, default="", **kw)


def flag_field(label: str) -> models.BooleanField:
    return models.BooleanField(label, null=True, blank=True)


class Student(models.Model):
    # The current formal or temporary number; null while the record awaits its registration approval.
    # Unique among the records that have one (see Meta): a partial index, since every record enters without one.
    student_number = models.CharField("学籍号", max_length=19, null=True, blank=True)
    status = models.CharField("学籍状态", max_length=4, choices=Status.choices, default=Status.PENDING)
    # Indexed by the (school, status, grade) index below, which serves every look-up by school.
    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.PROTECT, related_name="students",
                               db_index=False)

    # A. 基础信息 (items 1–13)
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1)
    birth_date = models.DateField("出生日期")
    birthplace = code_field("出生地", 12)
    native_place = code_field("籍贯", 12)
    ethnicity = code_field("民族")
    nationality = code_field("国籍/地区", 3, )
    id_type = models.CharField("身份证件类型", max_length=1)
    id_number = text_field("身份证件号", 30)
    hmt_overseas = code_field("港澳台侨外")
    political_status = code_field("政治面貌")
    health_status = code_field("健康状况")
    photo = models.FileField("照片", upload_to="photos/%Y/", blank=True)
    photo_retake_needed = models.BooleanField("照片需重新采集", default=False)

    # B. 辅助信息 (14–19)
    name_pinyin = text_field("姓名拼音", 120)
    former_name = text_field("曾用名", 50)
    id_valid_until = text_field("身份证件有效期", 30)
    hukou_location = code_field("户口所在地", 12)
    hukou_nature = code_field("户口性质", 1)
    specialty = text_field("特长", 200)

    # C. 学籍基本信息 (20–27)
    aux_number = text_field("学籍辅号", 30)
    seat_number = text_field("班内学号", 10)
    grade = models.PositiveSmallIntegerField("年级")
    school_class = models.ForeignKey(
        SchoolClass, verbose_name="班级", null=True, blank=True, on_delete=models.PROTECT, related_name="students",
        db_index=False,  # a partial index below: classes are formed after admission (第十三条)
    )
    entry_month = text_field("入学年月", 6)
    entry_mode = code_field("入学方式")
    attendance_mode = code_field("就读方式", 1)
    student_source = code_field("学生来源", 1)

    # D. 联系信息 (28–34)
    current_address = text_field("现住址", 200)
    mailing_address = text_field("通信地址", 200)
    home_address = text_field("家庭地址", 200)
    phone = text_field("联系电话", 20)
    postcode = text_field("邮政编码", 6)
    email = text_field("电子信箱", 100)
    homepage = text_field("主页地址", 200)

    # E. 扩展信息 (35–45)
    only_child = flag_field("是否独生子女")
    preschool = flag_field("是否受过学前教育")
    left_behind = code_field("是否留守儿童", 1)
    migrant_child = flag_field("是否进城务工人员随迁子女")
    orphan = flag_field("是否孤儿")
    martyr_child = flag_field("是否烈士或优抚子女")
    inclusive_study = code_field("随班就读", 1)
    disability_type = code_field("残疾类型", 1)
    govt_funded_place = flag_field("是否由政府购买学位")
    needs_aid = flag_field("是否需要申请资助")
    one_subsidy = flag_field("是否享受一补")

    # F. 上下学交通 (46–48)
    commute_distance = models.DecimalField("上下学距离(公里)", max_digits=6, decimal_places=2, null=True, blank=True)
    commute_mode = code_field("上下学方式", 1)
    needs_school_bus = flag_field("是否需要乘坐校车")

    # 第三十条: a student who settled abroad and came back gets a new record, linked to the one he left with.
    earlier_record = models.ForeignKey(
        "self", verbose_name="原学籍(出国定居后返回)", null=True, blank=True, on_delete=models.PROTECT,
        related_name="later_records", db_index=False,  # a partial index below: almost every record has none
    )
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", db_index=False,  # never searched by; the audit log answers "who entered it"
    )

    class Meta:
        ordering = ["school_id", "grade", "school_class_id", "seat_number", "id"]
        verbose_name = "学生"
        verbose_name_plural = "学生"
        # Every index costs each of the hundreds of thousands of rows an autumn import writes, so there is no
        # index a wider one already serves (a look-up by name uses the name-gender-birth date index).
        indexes = [
            models.Index(fields=["school", "status", "grade"]),
            models.Index(fields=["id_number"]),
            models.Index(fields=["name", "gender", "birth_date"]),
            # The suspected-duplicate checks of an import probe by birth date and gender (第十四条).
            models.Index(fields=["birth_date", "gender"]),
            models.Index(fields=["earlier_record"], name="student_earlier_record_idx",
                         condition=models.Q(earlier_record__isnull=False)),
            models.Index(fields=["school_class"], name="student_class_idx",
                         condition=models.Q(school_class__isnull=False)),
        ]
        # Partial, like the class index: the hundreds of thousands of records an autumn opens have neither a
        # number nor a class yet, and an index entry for each of their NULLs would buy nothing.
        constraints = [
            models.UniqueConstraint(fields=["student_number"], name="student_number_unique",
                                    condition=models.Q(student_number__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.name}({mask_student_number(self.student_number) or '待注册'})"

    @property
    def key(self) -> str:
        """How URLs name the record: its J or L number, else its record id.

        A G number is "G" + the ID number, and URLs end up in logs and browser history, so a record with a G
        number (or none yet) is named by its id; the full number is still accepted wherever a key is.
        """
        number = self.student_number
        if number and not number.upper().startswith("G"):
            return number
        return str(self.pk)


class FamilyMember(models.Model):
    """Items 49–72: two blocks of family members or guardians."""

    # No index of its own: the unique (student, position) index below starts with the student and answers every
    # look-up by student, and a bulk import would otherwise keep two indexes up to date for each member.
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="family", db_index=False)
    position = models.PositiveSmallIntegerField("序号")
    name = models.CharField("姓名", max_length=50)
    relation = code_field("关系")
    relation_note = text_field("关系说明", 50)
    ethnicity = code_field("民族")
    employer = text_field("工作单位", 100)
    address = text_field("现住址", 200)
    hukou_location = code_field("户口所在地", 12)
    phone = text_field("联系电话", 20)
    is_guardian = flag_field("是否监护人")
    id_type = code_field("身份证件类型", 1)
    id_number = text_field("身份证件号", 30)
    position_title = text_field("职务", 50)

    class Meta:
        ordering = ["student_id", "position"]
        verbose_name = "家庭成员或监护人"
        verbose_name_plural = "家庭成员或监护人"
        constraints = [models.UniqueConstraint(fields=["student", "position"], name="family_unique_position")]
        # A guardian's ID finds siblings and suspected duplicates without reading every family.
        indexes = [models.Index(fields=["id_number"])]

    def __str__(self) -> str:
        return self.name


class StudentNumber(models.Model):
    """Every number ever issued. The primary key makes a number impossible to issue twice (第十一条)."""

    class Kind(models.TextChoices):
        G = "G", "正式学籍号(身份证件号)"
        J = "J", "正式学籍号(无身份证件)"
        L = "L", "临时学籍号"

    number = models.CharField("学籍号", max_length=19, primary_key=True)
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="numbers")
    kind = models.CharField("类型", max_length=1, choices=Kind.choices)
    issued_at = models.DateTimeField("发放时间", auto_now_add=True)
    replaced_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        ordering = ["student_id", "issued_at"]
        verbose_name = "学籍号"
        verbose_name_plural = "学籍号(含曾用号)"


class JNumberSequence(models.Model):
    """The next J sequence per (division, birth date): a row lock makes concurrent issuers take turns."""

    division_code = models.CharField(max_length=6)
    birth_date = models.DateField()
    last_seq = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["division_code", "birth_date"], name="jseq_unique_key"),
        ]


class Enrolment(models.Model):
    """One stay at one school: where the record sat, in which grade and class, from when to when."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="enrolments")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="enrolments",
                               db_index=False)  # served by the (school, ended_on) index
    grade = models.PositiveSmallIntegerField("年级")
    # Stays are read per student; an index on the class would only cost every import row.
    school_class = models.ForeignKey(SchoolClass, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     db_index=False)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    entry_reason = models.CharField("进入方式", max_length=20, blank=True)
    exit_reason = models.CharField("离开方式", max_length=20, blank=True)
    # The record as it stood when the student left: what the old school keeps reading (第十八条 电子档案备份).
    snapshot = models.JSONField("离校时学籍信息备份", default=dict, blank=True)

    class Meta:
        ordering = ["student_id", "started_on", "id"]
        verbose_name = "在校经历"
        verbose_name_plural = "在校经历"
        indexes = [models.Index(fields=["school", "ended_on"])]


class StatusEvent(models.Model):
    """An entry of the student's status history; appended with every change, never edited."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField("时间", auto_now_add=True)
    kind = models.CharField("事项", max_length=30)
    from_status = models.CharField("原状态", max_length=4, blank=True)
    to_status = models.CharField("新状态", max_length=4, blank=True)
    # Events are read per student (the history) and per school and term (the semester report, 第七条: the
    # school_at index below); the actor is never searched by, so not indexed.
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+", db_index=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                              db_index=False)
    note = models.CharField("说明", max_length=500, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)

    class Meta:
        ordering = ["student_id", "at", "id"]
        verbose_name = "学籍事件"
        verbose_name_plural = "学籍事件"
        indexes = [models.Index(fields=["school", "at"], name="statusevent_school_at_idx")]


class StudentTally(models.Model):
    """How many records sit at each (school, grade, gender, status), and how many of them carry the flags the
    statistics show: the registry's summary table, read by every count a page shows instead of the records.

    Database triggers on students_student (migration 0007, xueji/students/tally.py) keep it exact in the
    transaction of every change, whatever path made it (a form, an import, a rollover's one UPDATE of millions
    of rows), so no code here writes it. The flags are counts rather than keys: one row per key stays small
    (schools × grades × 2 × statuses) and every flag can still be broken down by grade, gender and status.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+",
                               db_index=False)  # served by the unique key, which starts with the school
    grade = models.PositiveSmallIntegerField("年级")
    gender = models.CharField("性别", max_length=1)
    status = models.CharField("学籍状态", max_length=4)
    students = models.IntegerField("人数", default=0)
    migrant = models.IntegerField("进城务工人员随迁子女", default=0)
    left_behind = models.IntegerField("留守儿童", default=0)
    disabled = models.IntegerField("残疾", default=0)
    inclusive = models.IntegerField("随班就读", default=0)

    class Meta:
        verbose_name = "学生人数汇总"
        verbose_name_plural = "学生人数汇总"
        constraints = [
            models.UniqueConstraint(fields=["school", "grade", "gender", "status"], name="student_tally_key"),
        ]
