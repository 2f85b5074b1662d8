"""The second summary table of the statistics: decided applications by school, type, month and outcome.

Like the student tally (xueji/students/tally.py) it is written only by database triggers (this app's migration
0001), on applications_application, in the transaction that decides an application; dashboards read it instead
of the applications. An in-registry transfer counts twice: at the receiving school (the application's school,
side "") and at the sending school (payload "from_school", side "out").
"""

from django.db import models

from xueji.orgs.models import School


class ChangeTally(models.Model):
    class Side(models.TextChoices):
        OWN = "", "发起学校"
        OUT = "out", "转出学校"

    # No database key: the sending school comes from the application's payload, which the database cannot check.
    school = models.ForeignKey(School, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False,
                               db_index=False)  # served by the unique key, which starts with the school
    type = models.CharField("申请类型", max_length=30)
    month = models.CharField("办结月份", max_length=7)  # YYYY-MM, Beijing time
    outcome = models.CharField("办结结果", max_length=10)  # approved / rejected / cancelled
    side = models.CharField("计入学校", max_length=3, choices=Side.choices, blank=True, default="")
    decided = models.IntegerField("件数", default=0)
    on_time = models.IntegerField("期限内办结", default=0)
    late = models.IntegerField("超期办结", default=0)

    class Meta:
        verbose_name = "学籍异动汇总"
        verbose_name_plural = "学籍异动汇总"
        constraints = [
            models.UniqueConstraint(fields=["school", "type", "month", "outcome", "side"], name="change_tally_key"),
        ]
