"""What a transfer leaves behind besides the application: the paper archive's hand-over (第二十二条) and the
portable package exchanged with a registry outside this one (第十八条 跨省转入、转出)."""

from django.conf import settings
from django.db import models

from xueji.applications.models import Application
from xueji.orgs.models import School
from xueji.students.models import Student


class ArchiveHandover(models.Model):
    """The sending school sends the archive after the transfer and finishes within a month (第二十二条).

    A school outside this registry (another province, a 中等职业学校) has no row: its name is kept instead, and
    only the side inside the registry confirms its part.
    """

    application = models.OneToOneField(Application, verbose_name="转学申请", on_delete=models.PROTECT,
                                       related_name="archive_handover")
    student = models.ForeignKey(Student, verbose_name="学生", on_delete=models.PROTECT,
                                related_name="archive_handovers")
    from_school = models.ForeignKey(School, verbose_name="转出学校", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    from_school_name = models.CharField("转出学校名称", max_length=100)
    to_school = models.ForeignKey(School, verbose_name="转入学校", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    to_school_name = models.CharField("转入学校名称", max_length=100)
    due_date = models.DateField("办结期限")
    sent_at = models.DateTimeField("寄出时间", null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="寄出人", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField("接收时间", null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = "学籍档案移交"
        verbose_name_plural = "学籍档案移交"
        indexes = [models.Index(fields=["from_school", "sent_at"]), models.Index(fields=["to_school", "received_at"])]

    def __str__(self) -> str:
        return f"{self.student.name}:{self.from_school_name} → {self.to_school_name}"

    @property
    def done_at(self):
        """The hand-over is finished when the receiving school confirms it, or, with no receiving school in the
        registry, when the sending one sends it; an arrival from outside is finished on receipt."""
        if self.to_school_id:
            return self.received_at
        return self.sent_at


class TransferPackage(models.Model):
    """A transfer package as issued or as accepted; the body is stored verbatim and never rewritten."""

    class Direction(models.TextChoices):
        OUT = "out", "转出(本系统生成)"
        IN = "in", "转入(外省导入)"

    direction = models.CharField("方向", max_length=3, choices=Direction.choices)
    application = models.ForeignKey(Application, verbose_name="转学申请", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="transfer_packages")
    student = models.ForeignKey(Student, verbose_name="学生", on_delete=models.PROTECT,
                                related_name="transfer_packages")
    version = models.PositiveSmallIntegerField("格式版本")
    province_from = models.CharField("转出省份代码", max_length=6)
    province_to = models.CharField("转入省份代码", max_length=6, blank=True)
    body = models.JSONField("数据包内容")
    sha256 = models.CharField("校验值(SHA-256)", max_length=64, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="生成或导入人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "转学数据包"
        verbose_name_plural = "转学数据包"
