"""Guardian accounts bound to children, the one-time codes that bind them, and each term's check of the record
(第十一条 the guardian checks the record; 第四十三条 records are re-checked every semester).

Nothing is deleted: a voided code, a revoked link and a handled report keep their rows with the date.
"""

import hashlib

from django.conf import settings
from django.db import models


class BindingCode(models.Model):
    """A one-time code the school hands a guardian. Only its SHA-256 is kept: the code is random and long
    (about 80 bits), so the hash cannot be reversed by trying codes, and a leaked table binds nobody."""

    student = models.ForeignKey("students.Student", verbose_name="学生", on_delete=models.PROTECT,
                                related_name="guardian_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发放人", on_delete=models.PROTECT,
                                  related_name="+")
    issued_at = models.DateTimeField("发放时间", auto_now_add=True)
    expires_at = models.DateTimeField("有效期至")
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="使用人", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    # A new code voids the ones still open, so only the last code handed out works.
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)

    class Meta:
        verbose_name = "家长绑定码"
        verbose_name_plural = "家长绑定码"
        indexes = [models.Index(fields=["student", "issued_at"])]

    @staticmethod
    def hash_code(code: str) -> str:
        return hashlib.sha256(code.encode()).hexdigest()


class GuardianLink(models.Model):
    """A guardian account may read this child's record (from `since`, until revoked)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="家长账号", on_delete=models.PROTECT,
                             related_name="guardian_links")
    student = models.ForeignKey("students.Student", verbose_name="学生", on_delete=models.PROTECT,
                                related_name="guardian_links")
    code = models.ForeignKey(BindingCode, verbose_name="所用绑定码", on_delete=models.PROTECT, related_name="+")
    since = models.DateTimeField("绑定时间", auto_now_add=True)
    revoked_on = models.DateTimeField("解除时间", null=True, blank=True)

    class Meta:
        verbose_name = "家长与学生绑定"
        verbose_name_plural = "家长与学生绑定"
        constraints = [models.UniqueConstraint(fields=["user", "student"], condition=models.Q(revoked_on__isnull=True),
                                               name="guardian_link_one_open")]


class TermCheck(models.Model):
    """A guardian's answer for one child in one term: the record is right, or it has errors (reported below)."""

    class Answer(models.TextChoices):
        CONFIRMED = "confirmed", "信息无误"
        REPORTED = "reported", "报告有误"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="家长账号", on_delete=models.PROTECT,
                             related_name="+")
    student = models.ForeignKey("students.Student", verbose_name="学生", on_delete=models.PROTECT,
                                related_name="guardian_checks")
    school_year = models.PositiveSmallIntegerField("学年(起始年份)")
    term = models.PositiveSmallIntegerField("学期")
    answer = models.CharField("核对结果", max_length=10, choices=Answer.choices)
    at = models.DateTimeField("核对时间", auto_now_add=True)

    class Meta:
        verbose_name = "家长学期核对"
        verbose_name_plural = "家长学期核对"
        constraints = [models.UniqueConstraint(fields=["user", "student", "school_year", "term"],
                                               name="guardian_check_once_a_term")]
        indexes = [models.Index(fields=["school_year", "term", "student"])]


class ErrorReport(models.Model):
    """One item a guardian says is wrong: work for the school's registrar until handled."""

    term_check = models.ForeignKey(TermCheck, verbose_name="所属核对", on_delete=models.PROTECT, related_name="reports")
    student = models.ForeignKey("students.Student", verbose_name="学生", on_delete=models.PROTECT,
                                related_name="guardian_reports")
    # The school when reported: a student who transferred since leaves the report with the school that had it.
    school = models.ForeignKey("orgs.School", verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    field = models.CharField("有误项目", max_length=30)
    correct_value = models.CharField("正确内容", max_length=200, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    reported_at = models.DateTimeField("报告时间", auto_now_add=True)
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    handled_note = models.CharField("处理说明", max_length=500, blank=True)
    application = models.ForeignKey("applications.Application", verbose_name="信息变更申请", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "家长反馈的信息错误"
        verbose_name_plural = "家长反馈的信息错误"
        indexes = [models.Index(fields=["school", "handled_at"])]
