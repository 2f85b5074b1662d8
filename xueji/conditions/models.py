"""The high-school graduation conditions of 第三十五条, per student and school year.

Nothing is overwritten: saving a year again adds a new version of its record and marks the old one superseded,
and a 学业水平考试 sitting corrected is a new row beside the old one. Every 补考 is its own sitting (attempt 2, 3 …),
so the best result counts while every sitting stays on file.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from xueji.students.models import Student


class ConditionRecord(models.Model):
    student = models.ForeignKey(Student, verbose_name="学生", on_delete=models.PROTECT, related_name="+")
    school_year = models.PositiveSmallIntegerField("学年")  # 2026 = 2026–27
    version = models.PositiveSmallIntegerField("版本", default=1)
    current = models.BooleanField("现行版本", default=True)
    quality_result = models.CharField("基础素养评价总评", max_length=8, blank=True)
    credits_compulsory = models.PositiveSmallIntegerField("必修学分", null=True, blank=True)
    credits_elective_1 = models.PositiveSmallIntegerField("选修I学分", null=True, blank=True)
    credits_elective_2 = models.PositiveSmallIntegerField("选修II学分", null=True, blank=True)
    fitness_met = models.BooleanField("体育锻炼达标", null=True, blank=True)
    practice_done = models.BooleanField("参加劳动和社会实践", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)
    superseded_at = models.DateTimeField("被更正时间", null=True, blank=True)

    class Meta:
        ordering = ["student_id", "school_year", "version"]
        verbose_name = "毕业条件记录"
        verbose_name_plural = "毕业条件记录"
        constraints = [
            models.UniqueConstraint(fields=["student", "school_year", "version"], name="condition_version_unique"),
            models.UniqueConstraint(fields=["student", "school_year"], condition=Q(current=True),
                                    name="condition_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.student_id}·{self.school_year}·v{self.version}"


class ExamSitting(models.Model):
    student = models.ForeignKey(Student, verbose_name="学生", on_delete=models.PROTECT, related_name="+")
    school_year = models.PositiveSmallIntegerField("学年")
    subject = models.CharField("科目", max_length=10)
    attempt = models.PositiveSmallIntegerField("第几次考试")  # 1 正考, 2 起为补考
    grade = models.CharField("等级", max_length=1)
    current = models.BooleanField("现行", default=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)
    superseded_at = models.DateTimeField("被更正时间", null=True, blank=True)

    class Meta:
        ordering = ["student_id", "subject", "school_year", "attempt", "id"]
        verbose_name = "学业水平考试成绩"
        verbose_name_plural = "学业水平考试成绩"
        indexes = [models.Index(fields=["student", "subject"])]
        constraints = [
            models.UniqueConstraint(fields=["student", "school_year", "subject", "attempt"], condition=Q(current=True),
                                    name="sitting_one_current"),
        ]

    @property
    def is_retake(self) -> bool:
        return self.attempt > 1

    def __str__(self) -> str:
        return f"{self.subject}{self.grade}"
