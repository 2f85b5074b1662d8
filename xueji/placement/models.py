"""Class placement plans (编班方案, 第十三条): the school proposes which student sits in which class, the
competent authority approves, and only then do the students move.

A placement reserves its seat as soon as it is entered, so the hard cap holds even while plans wait for
approval; the reservation ends when the plan is decided or withdrawn (PlacementItem.open). Nothing is deleted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from xueji.orgs.models import Division, School, SchoolClass
from xueji.policy.fields import GRADE_LABELS
from xueji.students.models import Student


class PlacementPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "已驳回"
        CANCELLED = "cancelled", "已撤回"

    class Mode(models.TextChoices):
        AUTO = "auto", "均衡编班"
        MANUAL = "manual", "手工编班"

    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.PROTECT, related_name="placement_plans")
    grade = models.PositiveSmallIntegerField("年级")
    entry_year = models.PositiveSmallIntegerField("入学年份")
    mode = models.CharField("编班方式", max_length=10, choices=Mode.choices, default=Mode.MANUAL)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # 第十三条: a class above its normal cap needs a written reason, shown to the approver.
    reason = models.CharField("超出常规班额的理由", max_length=500, blank=True)
    authority = models.ForeignKey(
        Division, verbose_name="审核部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="编制人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("编制时间", auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报送人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    comment = models.CharField("审核意见", max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "编班方案"
        verbose_name_plural = "编班方案"
        indexes = [
            models.Index(fields=["school", "grade", "status"]),
            models.Index(fields=["authority", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.school.name}{self.entry_year}级{self.grade_label}编班方案"

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS.get(self.grade, f"{self.grade}年级")

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SUBMITTED)


class PlacementItem(models.Model):
    """One student placed into one class by a plan."""

    plan = models.ForeignKey(PlacementPlan, verbose_name="编班方案", on_delete=models.PROTECT, related_name="items")
    student = models.ForeignKey(Student, verbose_name="学生", on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(SchoolClass, verbose_name="编入班级", on_delete=models.PROTECT,
                                     related_name="placement_items")
    # The class the student sat in when placed (null: not yet placed), kept for the history.
    from_class = models.ForeignKey(SchoolClass, verbose_name="原班级", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    # True while the plan is a draft or awaits approval and the item stands: the placement then holds a seat.
    open = models.BooleanField("占用名额", default=True)
    created_at = models.DateTimeField("编入时间", auto_now_add=True)
    # Set when the registrar takes the student back out of a draft; the row stays as a trace.
    withdrawn_at = models.DateTimeField("移出方案时间", null=True, blank=True)

    class Meta:
        ordering = ["plan_id", "school_class_id", "id"]
        verbose_name = "编班明细"
        verbose_name_plural = "编班明细"
        constraints = [
            models.UniqueConstraint(fields=["plan", "student"], name="placement_item_unique_student"),
            # A student waits in one open plan at a time, even when two registrars act at the same moment.
            models.UniqueConstraint(fields=["student"], condition=Q(open=True), name="placement_one_open_item"),
        ]
        indexes = [models.Index(fields=["school_class", "open"])]

    def __str__(self) -> str:
        return f"{self.student.name} → {self.school_class}"
