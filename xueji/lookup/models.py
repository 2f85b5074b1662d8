"""Counters of the public query's rate limits and the captchas already redeemed.

Times are whole seconds since the epoch (integers), so the one upsert that counts a query (limits.py) reads and
compares them the same way on SQLite and PostgreSQL.
"""

from django.db import models


class LookupCounter(models.Model):
    """Queries counted for one subject (an address, or the keyed hash of an ID) in its current window.

    One row per subject, reused when its window has passed: a flood of refused queries costs one row update each,
    never a new row, and the table grows with the number of distinct addresses and IDs, not with the queries.
    """

    class Scope(models.TextChoices):
        ADDRESS = "addr", "来源地址(每分钟查询次数)"
        ADDRESS_FAILURES = "addr_fail", "来源地址(查询不到的次数)"
        ID_FAILURES = "id_fail", "证件号或学籍号(查询不到的次数)"

    scope = models.CharField("范围", max_length=10, choices=Scope.choices)
    # An address, or for an ID the keyed hash (the ID itself is never stored here).
    subject = models.CharField("对象", max_length=64)
    started_at = models.BigIntegerField("本窗口开始(秒)")
    hits = models.PositiveIntegerField("本窗口次数", default=0)
    blocked_until = models.BigIntegerField("锁定至(秒)", default=0)

    class Meta:
        verbose_name = "学籍号查询计数"
        verbose_name_plural = "学籍号查询计数"
        constraints = [models.UniqueConstraint(fields=["scope", "subject"], name="lookup_counter_unique")]


class RedeemedCaptcha(models.Model):
    """A captcha already answered: the primary key refuses a second use of the same one (replay)."""

    nonce = models.CharField("验证码编号", max_length=32, primary_key=True)
    used_at = models.BigIntegerField("使用时间(秒)")

    class Meta:
        verbose_name = "已使用的验证码"
        verbose_name_plural = "已使用的验证码"
