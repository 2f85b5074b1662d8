"""Awards in the student archive (第三十九条 凡受到校级以上的奖励,应记入学生的学籍档案).

Like a discipline measure, an award is never deleted: withdrawing it (撤销) is a date and a reason on the same row.
The scan of the certificate is optional and is checked as the applications' evidence scans are (JPG, PNG, PDF by
their first bytes, size limit)."""

from django.conf import settings
from django.db import models

from xueji.orgs.models import School
from xueji.students.models import Student

from . import rules


class Award(models.Model):
    class Level(models.TextChoices):
        SCHOOL = "校级", "校级"
        COUNTY = "县级", "县级"
        CITY = "市级", "市级"
        PROVINCE = "省级", "省级"
        NATIONAL = "国家级", "国家级"

    student = models.ForeignKey(Student, verbose_name="学生", on_delete=models.PROTECT, related_name="awards")
    # The school that entered it in the archive; the award stays in the record after a transfer (第四条).
    school = models.ForeignKey(School, verbose_name="记录学校", on_delete=models.PROTECT, related_name="+")
    level = models.CharField("奖励级别", max_length=4, choices=Level.choices)
    title = models.CharField("奖励名称", max_length=100)
    awarding_body = models.CharField("授奖单位", max_length=100)
    awarded_on = models.DateField("获奖日期")
    file = models.FileField("证书扫描件", upload_to="archive/awards/%Y/%m/", blank=True)
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    content_type = models.CharField("文件类型", max_length=40, blank=True)
    size = models.PositiveIntegerField("大小(字节)", default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    revoke_reason = models.CharField("撤销理由", max_length=500, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="撤销人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["student_id", "awarded_on", "id"]
        verbose_name = "奖励"
        verbose_name_plural = "奖励"
        indexes = [models.Index(fields=["student", "awarded_on"])]

    def __str__(self) -> str:
        return f"{self.level}{self.title}·{self.student.name}"

    @property
    def has_scan(self) -> bool:
        return bool(self.file)

    @property
    def text(self) -> str:
        """How the archive and the printed form name it: 2026年6月 市级三好学生(太原市教育局)."""
        return f"{self.awarded_on.year}年{self.awarded_on.month}月 {self.level}{self.title}({self.awarding_body})"


assert tuple(Award.Level.values) == rules.AWARD_LEVELS
