"""The audit log: who did or read what, when, from where and why (第四十四条), hash-chained so tampering shows."""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    actor_username = models.CharField("账号", max_length=150, blank=True, db_index=True)
    org_code = models.CharField("所属单位代码", max_length=10, blank=True, db_index=True)
    action = models.CharField("操作", max_length=40, db_index=True)
    object_type = models.CharField("对象类型", max_length=30, blank=True)
    object_id = models.CharField("对象", max_length=40, blank=True, db_index=True)
    source_ip = models.CharField("来源地址", max_length=45, blank=True)
    reason = models.CharField("事由", max_length=500, blank=True)
    outcome = models.CharField("结果", max_length=10, default="ok")
    details = models.JSONField("详情", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-id"]
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"


class AuditChainHead(models.Model):
    """One row holding the newest hash; locking it orders concurrent audit writes into a single chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, blank=True)
    last_event_id = models.BigIntegerField(default=0)
