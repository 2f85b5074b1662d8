"""The city's yearly sealing (验印) of high-school graduation certificates (第三十六条).

One row per city and school year, never two: the regulation asks the sealing to be done "五月底前一次性完成".
"""

from django.conf import settings
from django.db import models

from xueji.orgs.models import Division


class Sealing(models.Model):
    city = models.ForeignKey(Division, verbose_name="市", on_delete=models.PROTECT, related_name="+")
    school_year = models.PositiveSmallIntegerField("学年(起始年份)")
    sealed_on = models.DateField("验印日期")
    sealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="验印人", on_delete=models.PROTECT,
                                  related_name="+")
    count = models.PositiveIntegerField("验印证书数")
    rejected = models.PositiveIntegerField("未达毕业条件退回数", default=0)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        ordering = ["-school_year", "city_id"]
        verbose_name = "毕业证书验印"
        verbose_name_plural = "毕业证书验印"
        constraints = [models.UniqueConstraint(fields=["city", "school_year"], name="sealing_once_per_year")]

    def __str__(self) -> str:
        return f"{self.city.name}{self.school_year}学年验印"
