"""Certificates of the school year's end (第三十四–三十八条): 毕业, 结业 and 肄业 certificates and the 学历证明 that
stands in for a lost one. A certificate number is unique for ever; nothing here is deleted or renumbered. A 学历证明
takes effect only when the competent authority seals it (第三十八条); a graduation certificate of high school is
numbered and sealed by the city in its one sealing of the year (第三十六条)."""

from django.conf import settings
from django.db import models

from xueji.orgs.models import Division, School
from xueji.students.models import Student


class Certificate(models.Model):
    class Kind(models.TextChoices):
        GRADUATION = "毕业", "毕业证书"
        COMPLETION = "结业", "结业证书"
        LEAVING = "肄业", "肄业证书"
        PROOF = "学历证明", "学历证明书"

    class Stage(models.TextChoices):
        PRIMARY = "primary", "小学"
        JUNIOR = "junior", "初中"
        SENIOR = "senior", "普通高中"

    number = models.CharField("证书编号", max_length=40, unique=True)
    kind = models.CharField("种类", max_length=4, choices=Kind.choices)
    stage = models.CharField("学段", max_length=8, choices=Stage.choices)
    student = models.ForeignKey(Student, verbose_name="学生", on_delete=models.PROTECT, related_name="certificates")
    # The school that issues it (the graduating school, also for a 学历证明, 第三十八条).
    school = models.ForeignKey(School, verbose_name="发证学校", on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    # Whoever drew the number: the county or city that numbers this stage's certificates, or the school (结业, 肄业).
    numbered_by = models.ForeignKey(Division, verbose_name="编号单位", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    school_year = models.PositiveSmallIntegerField("学年(起始年份)")
    issued_on = models.DateField("发证日期")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办理人", on_delete=models.PROTECT,
                                  related_name="+")
    # 验印: the authority's seal; a 学历证明 without it has no effect, a high-school certificate is sealed by the city.
    sealed_on = models.DateField("验印日期", null=True, blank=True)
    sealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="验印人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    # A 学历证明 names the certificate it proves; a second one for the same certificate needs the authority's reason.
    proves = models.ForeignKey("self", verbose_name="所证明的证书", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="proofs")
    reason = models.CharField("补开理由", max_length=500, blank=True)
    # The application (graduation batch) or the act that produced it, for the history.
    application = models.ForeignKey("applications.Application", verbose_name="所属申请", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    # The stub (存根) of a school-issued certificate stays in the school archive (第三十七条、第六条).
    stub_archived = models.BooleanField("存根已归档", default=False)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        ordering = ["student_id", "issued_on", "id"]
        verbose_name = "证书"
        verbose_name_plural = "证书"
        indexes = [models.Index(fields=["school", "school_year", "kind"], name="certificate_school_year")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class CertificateSequence(models.Model):
    """The last number drawn, per numbering unit, kind and year: numbers are drawn set-based for a whole batch
    under this row's lock, so two approvals never hand out the same number."""

    unit_code = models.CharField("编号单位代码", max_length=10)
    kind = models.CharField("种类", max_length=4)
    school_year = models.PositiveSmallIntegerField("学年(起始年份)")
    last = models.PositiveIntegerField("已用到的序号", default=0)

    class Meta:
        verbose_name = "证书编号序列"
        constraints = [models.UniqueConstraint(fields=["unit_code", "kind", "school_year"],
                                               name="certificate_sequence_unique")]
