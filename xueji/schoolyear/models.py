"""The annual promotion (升级, 第十六条): one Rollover job per school year, and what it did, row by row.

Promotion and ClassMove are the record of the promotion itself (unique per school year, so a rerun never moves a
student or a class twice); Hold lists the students kept in their grade while an application of theirs was
pending, to be promoted when it ends. Nothing here is deleted.
"""

from django.conf import settings
from django.db import models

from xueji.orgs.models import SchoolClass
from xueji.students.models import Student


class Rollover(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"

    class Phase(models.TextChoices):
        CLASSES = "classes", "班级随年级升级"
        STUDENTS = "students", "学生升级"
        SEALING = "sealing", "计算校验值"
        DONE = "done", "已完成"

    school_year = models.PositiveSmallIntegerField("学年(起始年份)", unique=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.RUNNING)
    phase = models.CharField("当前步骤", max_length=10, choices=Phase.choices, default=Phase.CLASSES)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="开启人", on_delete=models.PROTECT,
                                   related_name="+")
    started_at = models.DateTimeField("开启时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # The students considered are those with an id up to max_id when the year was opened (later records are new
    # entrants of the new year); cursor is the last id whose chunk committed.
    max_id = models.BigIntegerField("学生编号上限", default=0)
    cursor = models.BigIntegerField("已处理至学生编号", default=0)
    chunk_size = models.PositiveIntegerField("每批学生编号数", default=50_000)
    total = models.PositiveIntegerField("在籍及休学学生数", default=0)
    done = models.PositiveIntegerField("已处理学生数", default=0)
    promoted = models.PositiveIntegerField("升级人数", default=0)
    kept_suspended = models.PositiveIntegerField("休学保留年级人数", default=0)
    kept_pending = models.PositiveIntegerField("申请审批中暂缓升级人数", default=0)
    final_grade = models.PositiveIntegerField("毕业年级不升级人数", default=0)
    not_promoted_other = models.PositiveIntegerField("新学年入学等不升级人数", default=0)
    classes_moved = models.PositiveIntegerField("随年级升级的班级数", default=0)
    digest = models.CharField("升级记录校验值(SHA-256)", max_length=64, blank=True)
    # The lease: the process running the job ("pid@host") and its last sign of life; a silent one is taken over.
    worker = models.CharField("执行进程", max_length=120, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)

    class Meta:
        ordering = ["-school_year"]
        verbose_name = "学年升级"
        verbose_name_plural = "学年升级"

    def __str__(self) -> str:
        return f"{self.school_year}–{self.school_year + 1}学年升级"

    @property
    def is_running(self) -> bool:
        return self.status == self.Status.RUNNING

    @property
    def percent(self) -> int:
        if not self.is_running:
            return 100
        return min(99, round(100 * self.done / self.total)) if self.total else 0


class Promotion(models.Model):
    """One student moved up one grade at the start of a school year (or later, once his application ended)."""

    # No index of its own: the unique (student, school_year) index serves every look-up by student.
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+", db_index=False)
    school_year = models.PositiveSmallIntegerField("学年(起始年份)")
    from_grade = models.PositiveSmallIntegerField("原年级")
    to_grade = models.PositiveSmallIntegerField("升入年级")
    late = models.BooleanField("申请办结后补升", default=False)

    class Meta:
        verbose_name = "升级记录"
        verbose_name_plural = "升级记录"
        constraints = [models.UniqueConstraint(fields=["student", "school_year"], name="promotion_once_a_year")]


class ClassMove(models.Model):
    """A class that moved up with its cohort: same id, name and entry year, the next grade."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="+", db_index=False)
    school_year = models.PositiveSmallIntegerField("学年(起始年份)")
    from_grade = models.PositiveSmallIntegerField("原年级")
    to_grade = models.PositiveSmallIntegerField("升入年级")

    class Meta:
        verbose_name = "班级升级记录"
        verbose_name_plural = "班级升级记录"
        constraints = [models.UniqueConstraint(fields=["school_class", "school_year"], name="class_move_once_a_year")]


class Hold(models.Model):
    """A student kept in his grade because an application of his was pending when the year turned (第十六条 with
    the application's own article): released, and promoted if still eligible, when his last application ends."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+", db_index=False)
    school_year = models.PositiveSmallIntegerField("学年(起始年份)")
    grade = models.PositiveSmallIntegerField("暂缓时年级")
    released_at = models.DateTimeField("解除时间", null=True, blank=True)
    promoted = models.BooleanField("解除后已升级", null=True, blank=True)

    class Meta:
        verbose_name = "暂缓升级"
        verbose_name_plural = "暂缓升级"
        constraints = [models.UniqueConstraint(fields=["student", "school_year"], name="hold_once_a_year")]
