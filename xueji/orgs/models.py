"""The org tree: 省 → 市 → 县(区) → 学校, with campuses and classes.

A school hangs in the tree under its county, or under its city when the city runs it directly (直管, 第三条);
that placement decides who may see it. Which bureau approves its changes is a separate question answered by
the policy (county for compulsory-stage grades, city for high-school grades and city-run schools).
"""

from django.db import models

from xueji.policy import codes, province
from xueji.policy.fields import GRADE_LABELS
from xueji.policy.province import get_policy


class Division(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县(市、区)"

    code = models.CharField("行政区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=50)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"

    def __str__(self) -> str:
        return self.name

    @property
    def kind(self) -> str:
        return "division"


class School(models.Model):
    class Ownership(models.TextChoices):
        PUBLIC = "public", "公办"
        PRIVATE = "private", "民办"

    class Closure(models.TextChoices):
        MERGED = "merged", "合并"
        CLOSED = "closed", "撤销"

    code = models.CharField("学校标识码", max_length=10, primary_key=True)
    name = models.CharField("学校名称", max_length=100)
    school_type = models.CharField("办学类型", max_length=4, choices=list(codes.SCHOOL_TYPE.items()))
    ownership = models.CharField("举办者类型", max_length=8, choices=Ownership.choices, default=Ownership.PUBLIC)
    provincial_model = models.BooleanField("省级示范高中", default=False)
    city_run = models.BooleanField("市直管学校", default=False)
    county = models.ForeignKey(
        Division, verbose_name="所在县(区)", on_delete=models.PROTECT, related_name="schools_located"
    )
    city = models.ForeignKey(Division, verbose_name="所在市", on_delete=models.PROTECT, related_name="+")
    address = models.CharField("地址", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    # A merged or closed school stays in the tree, readable with its history (第八条); it takes no one in.
    closed_on = models.DateField("撤并日期", null=True, blank=True)
    closure = models.CharField("撤并方式", max_length=8, choices=Closure.choices, blank=True)
    # Who keeps its archive now: the absorbing school (合并), or the school or bureau the authority named (撤销).
    archive_school = models.ForeignKey("self", verbose_name="档案接收学校", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="archives_received")
    archive_division = models.ForeignKey(Division, verbose_name="档案接收单位", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["code"]
        verbose_name = "学校"
        verbose_name_plural = "学校"
        indexes = [models.Index(fields=["county", "city_run"]), models.Index(fields=["city"])]

    def __str__(self) -> str:
        return self.name

    @property
    def kind(self) -> str:
        return "school"

    @property
    def tree_parent(self) -> Division:
        return self.city if self.city_run else self.county

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def type_label(self) -> str:
        return codes.SCHOOL_TYPE.get(self.school_type, self.school_type)

    @property
    def grades(self) -> range:
        return get_policy().grades_for(self.school_type)

    def authority_for(self, grade: int) -> Division:
        """The 学籍主管部门 that approves this school's applications for a student in `grade` (第三条)."""
        level = province.authority_level(self.school_type, grade=grade, city_run=self.city_run)
        return self.city if level == "city" else self.county


class Campus(models.Model):
    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.PROTECT, related_name="campuses")
    name = models.CharField("校区名称", max_length=100)
    address = models.CharField("校区地址", max_length=200, blank=True)
    is_main = models.BooleanField("主校区", default=False)

    class Meta:
        ordering = ["school_id", "-is_main", "name"]
        verbose_name = "校区"
        verbose_name_plural = "校区"
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="campus_unique_name")]

    def __str__(self) -> str:
        return f"{self.school.name}·{self.name}"


class SchoolClass(models.Model):
    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.PROTECT, related_name="classes")
    campus = models.ForeignKey(
        Campus, verbose_name="校区", null=True, blank=True, on_delete=models.PROTECT, related_name="classes"
    )
    grade = models.PositiveSmallIntegerField("年级")
    name = models.CharField("班级名称", max_length=30)
    entry_year = models.PositiveSmallIntegerField("入学年份")
    head_teacher = models.CharField("班主任", max_length=50, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        ordering = ["school_id", "grade", "name"]
        verbose_name = "班级"
        verbose_name_plural = "班级"
        constraints = [
            models.UniqueConstraint(fields=["school", "entry_year", "name"], name="class_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{GRADE_LABELS.get(self.grade, self.grade)}{self.name}"

    @property
    def caps(self) -> tuple[int, int]:
        """(normal, hard) class size of 第十三条 for this grade."""
        return get_policy().class_caps(self.grade)
