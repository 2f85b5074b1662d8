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
