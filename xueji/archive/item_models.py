"""The student archive's items (第十一条) and where its paper folder lies (第五条 纸质档案).

An item is never deleted or edited: a correction is a new item that supersedes the old one, and both stay.
A move of the paper folder is a new location row; the latest is where it lies now.
"""

from django.conf import settings
from django.db import models

from xueji.orgs.models import School
from xueji.policy.archive_items import KINDS
from xueji.students.models import Student


class ArchiveItem(models.Model):
    student = models.ForeignKey(Student, verbose_name="学生", on_delete=models.PROTECT, related_name="archive_items")
    # The school keeping the item: the one that filed it, or the school it merged into (第八条).
    school = models.ForeignKey(School, verbose_name="保管学校", on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    kind = models.CharField("材料类型", max_length=12, choices=list(KINDS.items()))
    title = models.CharField("材料名称", max_length=100)
    dated_on = models.DateField("材料日期")
    summary = models.CharField("摘要", max_length=500, blank=True)
    # A scan of a certificate or 学历证明 names the certificate row instead of copying its number.
    certificate = models.ForeignKey("certificates.Certificate", verbose_name="所属证书", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    file = models.FileField("扫描件", upload_to="archive/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=40)
    size = models.PositiveIntegerField("大小(字节)")
    supersedes = models.OneToOneField("self", verbose_name="更正的材料", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="superseded_by")
    correction_reason = models.CharField("更正理由", max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="归档人", on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField("归档时间", auto_now_add=True)

    class Meta:
        ordering = ["student_id", "kind", "dated_on", "id"]
        verbose_name = "学籍档案材料"
        verbose_name_plural = "学籍档案材料"
        indexes = [models.Index(fields=["student", "kind"]), models.Index(fields=["school", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}·{self.title}"


class ArchiveLocation(models.Model):
    student = models.ForeignKey(Student, verbose_name="学生", on_delete=models.PROTECT,
                                related_name="archive_locations")
    school = models.ForeignKey(School, verbose_name="保管学校", on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    room = models.CharField("档案室", max_length=50, blank=True)
    shelf = models.CharField("档案柜(架)", max_length=50, blank=True)
    box = models.CharField("档案盒", max_length=50, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["student_id", "recorded_at", "id"]
        verbose_name = "纸质档案存放位置"
        verbose_name_plural = "纸质档案存放位置"

    def __str__(self) -> str:
        return " / ".join(part for part in (self.room, self.shelf, self.box) if part)
