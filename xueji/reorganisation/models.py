"""A school's merger into another or its closure (第八条), as the authority recorded it. The school itself carries
the outcome (School.closed_on, closure, archive keeper); this row keeps the act: who, when, on what document,
and what moved."""

from django.conf import settings
from django.db import models

from xueji.orgs.models import Division, School


class Reorganisation(models.Model):
    class Kind(models.TextChoices):
        MERGER = "merger", "合并"
        CLOSURE = "closure", "撤销"

    kind = models.CharField("方式", max_length=8, choices=Kind.choices)
    school = models.ForeignKey(School, verbose_name="撤并的学校", on_delete=models.PROTECT,
                               related_name="reorganisations")
    # The absorbing school (合并), or the school named to keep the archive (撤销).
    into = models.ForeignKey(School, verbose_name="并入或档案接收学校", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    # A closure whose archive the authority keeps itself.
    keeper_division = models.ForeignKey(Division, verbose_name="档案接收单位", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField("撤并日期")
    document = models.CharField("批准文号", max_length=100, blank=True)
    reason = models.CharField("说明", max_length=500, blank=True)
    # What moved, counted in the same transaction (students, enrolments, classes, items, applications, …).
    counts = models.JSONField("移交情况", default=dict, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = "学校撤并"
        verbose_name_plural = "学校撤并"

    def __str__(self) -> str:
        return f"{self.school.name}{self.get_kind_display()}"
