"""借读 (第二十五–二十七条): a stay at a host school while the record stays at the home school.

Student.school never changes for a stay: the record, its certificates and exams belong to the home school
(第二十七条). The stay only says where the student sits (host school and class) and for how long.
"""

from django.db import models

from xueji.applications.models import Application
from xueji.orgs.models import School, SchoolClass
from xueji.students.models import Student


class VisitingStay(models.Model):
    student = models.ForeignKey(Student, verbose_name="学生", on_delete=models.PROTECT, related_name="visiting_stays")
    home_school = models.ForeignKey(School, verbose_name="学籍所在学校", on_delete=models.PROTECT, related_name="+")
    host_school = models.ForeignKey(School, verbose_name="借读学校", on_delete=models.PROTECT,
                                    related_name="visiting_guests")
    host_class = models.ForeignKey(SchoolClass, verbose_name="借读班级", on_delete=models.PROTECT,
                                   related_name="visiting_guests")
    grade = models.PositiveSmallIntegerField("年级")
    reason = models.CharField("借读理由", max_length=40)
    started_on = models.DateField("借读开始日期")
    ends_on = models.DateField("计划结束日期", null=True, blank=True)
    ended_on = models.DateField("实际结束日期", null=True, blank=True)
    end_reason = models.CharField("结束原因", max_length=40, blank=True)
    application = models.OneToOneField(Application, verbose_name="借读申请", on_delete=models.PROTECT,
                                       related_name="visiting_stay")
    ended_by = models.ForeignKey(Application, verbose_name="结束借读申请", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = "借读"
        verbose_name_plural = "借读"
        constraints = [
            # One open stay per student: a second one would seat him in two classes at once.
            models.UniqueConstraint(fields=["student"], condition=models.Q(ended_on__isnull=True),
                                    name="visiting_one_open_stay"),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} 借读于 {self.host_school_id}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None
