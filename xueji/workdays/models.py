"""The working-day calendar that deadlines count in (第二十二条 "10个工作日内", 第三十二条, …).

Only the exceptions are stored: weekday holidays and the make-up working weekends (调休). A year the State
Council has published is marked in CalendarYear; for a year without data the count falls back to Monday–Friday
and the screens say so.
"""

from django.conf import settings
from django.db import models


class CalendarYear(models.Model):
    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    source = models.CharField("来源", max_length=40)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = "已公布节假日安排的年份"
        verbose_name_plural = "已公布节假日安排的年份"


class CalendarDay(models.Model):
    date = models.DateField("日期", primary_key=True)
    is_workday = models.BooleanField("是否工作日")
    name = models.CharField("说明", max_length=40, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日或调休日"
        verbose_name_plural = "节假日与调休日"


class Term(models.Model):
    """A term of a school year, set by the province: decides "开学前一周", "学期中" and deadlines after term start."""

    class Number(models.IntegerChoices):
        AUTUMN = 1, "第一学期(秋季)"
        SPRING = 2, "第二学期(春季)"

    school_year = models.PositiveSmallIntegerField("学年(起始年份)")
    number = models.PositiveSmallIntegerField("学期", choices=Number.choices)
    starts_on = models.DateField("开学日期")
    ends_on = models.DateField("学期结束日期")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="设置人", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["starts_on"]
        verbose_name = "学期"
        verbose_name_plural = "学期"
        constraints = [models.UniqueConstraint(fields=["school_year", "number"], name="term_unique")]

    def __str__(self) -> str:
        return f"{self.school_year}–{self.school_year + 1}学年{self.get_number_display()}"
