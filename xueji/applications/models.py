"""Applications (申请) and their approval steps: every status change of a record goes through one.

A cancelled or rejected application stays, like everything else here (nothing is deleted).
"""

from django.conf import settings
from django.db import models

from xueji.orgs.models import School
from xueji.students.models import Student


class Application(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "审批中"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "已驳回"
        CANCELLED = "cancelled", "已撤销"

    type = models.CharField("申请类型", max_length=30, db_index=True)
    # Null for an application about no single record: a scoped one (ChangeType.extra["scoped"]), e.g. an access
    # application (第四十四条) for a list of students, a school or a county; its scope travels in the payload.
    student = models.ForeignKey(Student, verbose_name="学生", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="applications")
    school = models.ForeignKey(School, verbose_name="发起学校", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="applications")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    payload = models.JSONField("申请内容", default=dict, blank=True)
    reason = models.CharField("申请理由", max_length=500, blank=True)
    due_date = models.DateField("办结期限", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    batch = models.CharField("批次", max_length=40, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "学籍申请"
        verbose_name_plural = "学籍申请"
        indexes = [models.Index(fields=["student", "type", "status"])]

    def __str__(self) -> str:
        return f"{self.type_label}·{self.subject}"

    @property
    def subject(self) -> str:
        """What the application is about, in words: the student's name, or a scoped application's summary."""
        if self.student_id:
            return self.student.name
        return str(self.payload.get("scope_label") or "")

    @property
    def type_label(self) -> str:
        from .engine import change_type

        return change_type(self.type).label

    @property
    def current_step(self):
        return self.steps.filter(status=Step.Status.PENDING).order_by("order").first()


class Step(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", "未开始"
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已同意"
        REJECTED = "rejected", "已驳回"
        CANCELLED = "cancelled", "已撤销"

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="steps")
    order = models.PositiveSmallIntegerField("顺序")
    label = models.CharField("环节", max_length=40)
    org_code = models.CharField("办理单位代码", max_length=10, db_index=True)
    org_name = models.CharField("办理单位", max_length=100)
    role = models.CharField("办理角色", max_length=12)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.WAITING, db_index=True)
    working_days = models.PositiveSmallIntegerField("时限(工作日)", null=True, blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    due_date = models.DateField("到期日", null=True, blank=True)
    decided_at = models.DateTimeField("办理时间", null=True, blank=True)
    decider = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办理人", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    comment = models.CharField("意见", max_length=500, blank=True)

    class Meta:
        ordering = ["application_id", "order"]
        verbose_name = "审批环节"
        verbose_name_plural = "审批环节"
        constraints = [models.UniqueConstraint(fields=["application", "order"], name="step_unique_order")]
        # The inbox's own order after its filter: a page of 30 is read off the index, not sorted out of every
        # waiting step (a busy county holds hundreds).
        indexes = [models.Index(fields=["org_code", "role", "status", "due_date", "application", "id"],
                                name="step_inbox_order")]


class Evidence(models.Model):
    """A scanned proof (JPG, PNG, PDF); it stays in the student's archive once attached."""

    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="evidence")
    # Null for the scan of a scoped application (no single student), e.g. an access approval (第四十四条).
    student = models.ForeignKey(Student, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence")
    # A proof-kind code of xueji.policy.changes.reasons.PROOF_KIND ("medical_county", …), or blank.
    kind = models.CharField("材料类型", max_length=60, blank=True)
    file = models.FileField("文件", upload_to="evidence/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=40)
    size = models.PositiveIntegerField("大小(字节)")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = "证明材料"
        verbose_name_plural = "证明材料"

    @property
    def kind_label(self) -> str:
        from xueji.policy.changes.reasons import PROOF_KIND

        return PROOF_KIND.get(self.kind, self.kind or "证明材料")
