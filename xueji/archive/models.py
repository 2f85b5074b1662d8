"""The student archive's discipline measures (第四十条). A measure is never deleted: revoking it is a date and
a reason on the same row, so the archive still shows what was decided and when it ended."""

from django.conf import settings
from django.db import models

from xueji.orgs.models import School
from xueji.students.models import Student

from . import rules


class Discipline(models.Model):
    class Level(models.TextChoices):
        WARNING = rules.WARNING, rules.WARNING
        SERIOUS_WARNING = rules.SERIOUS_WARNING, rules.SERIOUS_WARNING
        DEMERIT = rules.DEMERIT, rules.DEMERIT
        PROBATION = rules.PROBATION, rules.PROBATION
        EXPULSION = rules.EXPULSION, rules.EXPULSION

    student = models.ForeignKey(Student, verbose_name="学生", on_delete=models.PROTECT, related_name="disciplines")
    # The school that decided it: the measure stays that school's act after a transfer.
    school = models.ForeignKey(School, verbose_name="作出处分的学校", on_delete=models.PROTECT, related_name="+")
    level = models.CharField("处分种类", max_length=8, choices=Level.choices)
    reason = models.CharField("处分事由", max_length=500)
    decided_on = models.DateField("处分决定日期")
    # Empty: in force until revoked. 留校察看 always has one (at most a year, 第四十条).
    ends_on = models.DateField("处分期满日期", null=True, blank=True)
    in_archive = models.BooleanField("记入学籍档案", default=False)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    revoke_reason = models.CharField("撤销理由", max_length=500, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="撤销人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    # 留校察看 only: the school lifts it (解除) when the student has mended his ways; otherwise it proposes
    # expulsion (第四十条 一年内仍无改正表现者,应开除学籍). Lifting is not revoking: the measure stands as decided.
    lifted_on = models.DateField("解除日期", null=True, blank=True)
    lift_note = models.CharField("解除说明", max_length=500, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="解除人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["student_id", "decided_on", "id"]
        verbose_name = "处分"
        verbose_name_plural = "处分"
        indexes = [models.Index(fields=["student", "decided_on"])]

    def __str__(self) -> str:
        return f"{self.level}·{self.student.name}"


# Awards (第三十九条) live in their own module; imported here so Django registers them with the app.
# The archive items of 第十一条 and the paper folder's location live in their own module.
from .item_models import ArchiveItem, ArchiveLocation  # noqa: E402, F401
from .models_awards import Award  # noqa: E402, F401
