"""Access grants and the consultation register (查阅登记, 第四十四条).

A grant is what an approved access application gives: one account may read (or export) exactly one scope for a
dated period. It is revoked by a dated field, never deleted. Every use of personal data outside daily work, and
every export, writes a register row, refusals included.
"""

from django.conf import settings
from django.db import models

from xueji.applications.models import Application
from xueji.orgs.models import Division, School
from xueji.policy.access import BASES, OUTCOMES, REQUESTER_KINDS, SCOPE_KINDS, USES
from xueji.students.models import Student


class AccessGrant(models.Model):
    application = models.OneToOneField(Application, verbose_name="查阅申请", on_delete=models.PROTECT,
                                       related_name="access_grant")
    grantee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="获准账号", on_delete=models.PROTECT,
                                related_name="access_grants")
    use = models.CharField("用途", max_length=10, choices=list(USES.items()))
    scope_kind = models.CharField("范围类型", max_length=10, choices=list(SCOPE_KINDS.items()))
    school = models.ForeignKey(School, verbose_name="学校", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    division = models.ForeignKey(Division, verbose_name="行政区划", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    grade = models.PositiveSmallIntegerField("年级", null=True, blank=True)
    students = models.ManyToManyField(Student, verbose_name="学生", blank=True, related_name="+")
    scope_label = models.CharField("范围", max_length=200)
    purpose = models.CharField("事由", max_length=500)
    requester_kind = models.CharField("申请方类别", max_length=12, choices=list(REQUESTER_KINDS.items()))
    requester_name = models.CharField("申请单位或个人", max_length=100, blank=True)
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField("有效期止")
    granted_at = models.DateTimeField("批准时间", auto_now_add=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批准人", on_delete=models.PROTECT,
                                   related_name="+")
    granted_org = models.CharField("批准单位代码", max_length=10)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="撤销人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    revoke_reason = models.CharField("撤销理由", max_length=500, blank=True)

    class Meta:
        ordering = ["-granted_at", "-id"]
        verbose_name = "查阅批准"
        verbose_name_plural = "查阅批准"
        indexes = [models.Index(fields=["grantee", "valid_until"])]

    def __str__(self) -> str:
        return f"查阅批准#{self.pk}·{self.scope_label}"


class ConsultationEntry(models.Model):
    """One row of the consultation register: who, when, on which grant (or daily work), what was seen or taken
    out, from where; refusals too."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.PROTECT, related_name="+")
    username = models.CharField("用户名", max_length=150, db_index=True)
    org_code = models.CharField("账号所属单位代码", max_length=10)
    grant = models.ForeignKey(AccessGrant, verbose_name="查阅批准", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="entries")
    basis = models.CharField("依据", max_length=8, choices=list(BASES.items()))
    use = models.CharField("用途", max_length=10, choices=list(USES.items()))
    outcome = models.CharField("结果", max_length=8, choices=list(OUTCOMES.items()))
    what = models.CharField("查阅/导出内容", max_length=200)
    school = models.ForeignKey(School, verbose_name="学校", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    student = models.ForeignKey(Student, verbose_name="学生", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    student_count = models.PositiveIntegerField("涉及学生数", default=0)
    source_ip = models.CharField("来源地址", max_length=45, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "查阅登记"
        verbose_name_plural = "查阅登记"
        indexes = [models.Index(fields=["school", "at"]), models.Index(fields=["grant", "at"])]
