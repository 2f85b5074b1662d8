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
    # Position in the chain, without gaps (ids skip numbers when a transaction rolls back): a deleted row
    # leaves a hole even if the hashes after it were recomputed. The three chain columns stay empty until the
    # sealer gives the committed row its place (chain.py); the database lets them be set once (guard.py).
    seq = models.BigIntegerField("链序号", null=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-id"]
        # The sealer's queue: only the few rows not yet sealed are in this index.
        indexes = [models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_event_unsealed")]
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"


class AuditChainHead(models.Model):
    """One row holding the newest sealed hash; the sealer locks it (writers never do), so one sealer at a time
    extends the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, blank=True)
    last_event_id = models.BigIntegerField(default=0)
    last_seq = models.BigIntegerField(default=0)
    checkpoint_seq = models.BigIntegerField(default=0)


class AuditCheckpoint(models.Model):
    """The chain's head at a moment, signed with XUEJI_AUDIT_KEY (HMAC). Rows are only ever added (database
    triggers refuse UPDATE and DELETE), and each is also appended to a file under XUEJI_DATA_DIR: deleting the
    newest audit rows, or recomputing the chain after a deletion, no longer matches a signed head."""

    at = models.DateTimeField("时间")
    seq = models.BigIntegerField("链序号")
    event_id = models.BigIntegerField("记录序号")
    hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        verbose_name = "审计链检查点"
        verbose_name_plural = "审计链检查点"
