"""The semester report (第七条) and the correction list (第四十五条、第四十六条).

A report's figures are frozen into its row when it is submitted. A returned report stays as it was and the unit
submits a new version; a correction item marked 已整改 gets a new mark row. Nothing here is updated away or deleted
except a report's review fields, set once when it is confirmed or returned.
"""

from django.conf import settings
from django.db import models

from xueji.orgs.models import Division, School
from xueji.policy import semester as rules
from xueji.policy.terms import term_label


class SemesterReport(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = rules.SUBMITTED, "待审核"
        CONFIRMED = rules.CONFIRMED, "已确认"
        RETURNED = rules.RETURNED, "已退回"

    class Level(models.TextChoices):
        SCHOOL = rules.SCHOOL, "学校"
        COUNTY = rules.COUNTY_LEVEL, "县级"
        CITY = rules.CITY_LEVEL, "市级"

    # The reporting unit: a school's 学校标识码 or a division's code (ten and six digits never collide).
    unit_code = models.CharField("报送单位代码", max_length=10)
    unit_name = models.CharField("报送单位", max_length=100)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    school = models.ForeignKey(School, verbose_name="学校", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    division = models.ForeignKey(Division, verbose_name="报送部门", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(Division, verbose_name="审核部门", on_delete=models.PROTECT, related_name="+")
    school_year = models.PositiveSmallIntegerField("学年(起始年份)")
    term = models.PositiveSmallIntegerField("学期")
    version = models.PositiveSmallIntegerField("版本", default=1)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    figures = models.JSONField("报送时的统计数据", default=dict)
    note = models.CharField("报送说明", max_length=500, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField("报送时间", auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    comment = models.CharField("审核意见或退回理由", max_length=500, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = "学期报告"
        verbose_name_plural = "学期报告"
        constraints = [models.UniqueConstraint(fields=["unit_code", "school_year", "term", "version"],
                                               name="semester_report_unique_version")]
        indexes = [models.Index(fields=["reviewer", "school_year", "term", "status"]),
                   models.Index(fields=["unit_code", "school_year", "term"])]

    def __str__(self) -> str:
        return f"{self.unit_name}{self.term_label}学期报告(第{self.version}版)"

    @property
    def term_label(self) -> str:
        return term_label(self.school_year, self.term)


class Correction(models.Model):
    """A unit listed for correction (责令改正) by its authority, for one offence found in one term."""

    kind = models.CharField("类别", max_length=30)
    articles = models.CharField("依据条款", max_length=60)
    unit_code = models.CharField("整改单位代码", max_length=10)
    unit_name = models.CharField("整改单位", max_length=100)
    school = models.ForeignKey(School, verbose_name="学校", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    authority = models.ForeignKey(Division, verbose_name="责令改正部门", on_delete=models.PROTECT, related_name="+")
    # What the offence is about: "class:12", "student:34", "handover:5", "step:78".
    ref = models.CharField("对象", max_length=40)
    detail = models.CharField("情况", max_length=300)
    school_year = models.PositiveSmallIntegerField("学年(起始年份)")
    term = models.PositiveSmallIntegerField("学期")
    listed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="列入人", on_delete=models.PROTECT,
                                  related_name="+")
    listed_at = models.DateTimeField("列入时间", auto_now_add=True)

    class Meta:
        ordering = ["-listed_at", "-id"]
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        constraints = [models.UniqueConstraint(fields=["kind", "ref", "school_year", "term"],
                                               name="correction_once_a_term")]
        indexes = [models.Index(fields=["unit_code", "school_year", "term"]),
                   models.Index(fields=["authority", "school_year", "term"])]

    def __str__(self) -> str:
        return f"{self.unit_name}·{rules.CORRECTION_KINDS.get(self.kind, (self.kind,))[0]}"

    @property
    def kind_label(self) -> str:
        return rules.CORRECTION_KINDS.get(self.kind, (self.kind,))[0]


class CorrectionMark(models.Model):
    """The authority's record that an item was corrected (已整改): a new row each time, never an edit."""

    correction = models.ForeignKey(Correction, verbose_name="整改事项", on_delete=models.PROTECT,
                                   related_name="marks")
    note = models.CharField("整改说明", max_length=500)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="标记人", on_delete=models.PROTECT,
                                  related_name="+")
    marked_at = models.DateTimeField("标记时间", auto_now_add=True)

    class Meta:
        ordering = ["correction_id", "marked_at", "id"]
        verbose_name = "整改完成记录"
        verbose_name_plural = "整改完成记录"
