"""Reminders (提醒) to the person who holds an overdue step of an application (issue 4, item 2).

A reminder is written once per holder, step and day by `xueji remind`; reading it only stamps read_at, so the
record of who was told what, and when, stays.
"""

from django.conf import settings
from django.db import models

from xueji.applications.models import Step


class Reminder(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提醒对象", on_delete=models.PROTECT,
                             related_name="reminders")
    step = models.ForeignKey(Step, verbose_name="超期环节", on_delete=models.PROTECT, related_name="reminders")
    # The day the reminder is for: one per holder and step a day, however often the command runs.
    day = models.DateField("提醒日期")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    message = models.CharField("提醒内容", max_length=300)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = "超期提醒"
        verbose_name_plural = "超期提醒"
        constraints = [models.UniqueConstraint(fields=["user", "step", "day"], name="reminder_once_a_day")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message
