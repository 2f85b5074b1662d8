"""Accounts: each belongs to one node of the org tree and one role, and sees that node's subtree only."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from xueji.orgs.models import Division, School


class Role(models.TextChoices):
    REGISTRAR = "registrar", "学校学籍管理员"
    LEADER = "leader", "学校学籍主管领导"
    COUNTY = "county", "县级学籍主管部门"
    CITY = "city", "市级学籍主管部门"
    PROVINCE = "province", "省级教育行政部门"
    AUDITOR = "auditor", "审计员"
    # 家长: bound to children (xueji.guardians GuardianLink), not to a node of the org tree.
    GUARDIAN = "guardian", "家长(监护人)"


SCHOOL_ROLES = {Role.REGISTRAR, Role.LEADER}
# The level of the org node each role is bound to; an auditor may sit at any division.
ROLE_LEVEL = {
    Role.COUNTY: Division.Level.COUNTY,
    Role.CITY: Division.Level.CITY,
    Role.PROVINCE: Division.Level.PROVINCE,
}


class User(AbstractUser):
    role = models.CharField("角色", max_length=12, choices=Role.choices)
    division = models.ForeignKey(
        Division, verbose_name="所属行政区划", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    school = models.ForeignKey(
        School, verbose_name="所属学校", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    created_by = models.ForeignKey(
        "self", verbose_name="创建人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # An account whose holder left is closed, never deleted: its audit rows and decisions keep pointing at it.
    closed_on = models.DateField("注销日期", null=True, blank=True)
    closed_reason = models.CharField("注销原因", max_length=200, blank=True)
    # Sealed after long disuse (XUEJI_DORMANT_DAYS); log-in is refused until the level above reopens it.
    sealed_at = models.DateTimeField("封存时间", null=True, blank=True)
    reopened_at = models.DateTimeField("最近启封时间", null=True, blank=True)

    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"
        constraints = [
            models.CheckConstraint(
                name="user_bound_to_one_node",
                condition=models.Q(is_superuser=True)
                | (models.Q(school__isnull=False) & models.Q(division__isnull=True))
                | (models.Q(school__isnull=True) & models.Q(division__isnull=False))
                | (models.Q(role="guardian") & models.Q(school__isnull=True) & models.Q(division__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def org(self) -> Division | School | None:
        return self.school or self.division

    @property
    def org_code(self) -> str:
        return self.school_id or self.division_id or ""

    @property
    def is_school_user(self) -> bool:
        return self.role in SCHOOL_ROLES

    @property
    def is_sealed(self) -> bool:
        return self.sealed_at is not None

    @property
    def is_locked(self) -> bool:
        """Whether log-ins under this username wait out a delay (from addresses it has not used lately)."""
        # Lists annotate `login_locked` in one query instead of asking row by row.
        if "login_locked" in self.__dict__:
            return bool(self.__dict__["login_locked"])
        return LoginThrottle.objects.filter(scope=LoginThrottle.Scope.USERNAME, key=self.username[:150],
                                            blocked_until__gt=timezone.now()).exists()


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored, so a leaked table opens nothing."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class LoginThrottle(models.Model):
    """Failed log-ins counted per source address and per username, with the delay they have earned.

    Kept in the database, not in a process's memory, so every gunicorn worker sees the same counts. A row for a
    username exists whether or not the account does: unknown and known names are throttled alike.
    """

    class Scope(models.TextChoices):
        ADDRESS = "address", "来源地址"
        USERNAME = "username", "用户名"

    scope = models.CharField("范围", max_length=8, choices=Scope.choices)
    key = models.CharField("地址或用户名", max_length=150)
    failures = models.PositiveIntegerField("失败次数", default=0)
    last_failure_at = models.DateTimeField("最近失败时间", null=True, blank=True)
    blocked_until = models.DateTimeField("须等待至", null=True, blank=True)
    # The block whose first refused attempt has been written to the audit log; later ones are not, so a flood
    # of refused attempts costs no audit-chain writes.
    noted_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "登录限速"
        verbose_name_plural = "登录限速"
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="login_throttle_unique_key")]


class KnownLoginAddress(models.Model):
    """An address the account logged in from successfully; lately used ones are spared the username delay."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="known_addresses")
    address = models.CharField("来源地址", max_length=45)
    last_success_at = models.DateTimeField("最近成功登录")

    class Meta:
        verbose_name = "常用登录地址"
        verbose_name_plural = "常用登录地址"
        constraints = [models.UniqueConstraint(fields=["user", "address"], name="known_login_address_unique")]


class AccountFiling(models.Model):
    """One report to the level above of who holds an account (第四十二条: 学籍管理员报上一级教育行政部门备案).

    A change (a new holder, training completed) is a new row; a row is never overwritten. The level above
    confirms a row by dating it, so the latest row of an account tells whether it is filed and confirmed.
    """

    account = models.ForeignKey(User, verbose_name="账号", on_delete=models.PROTECT, related_name="filings")
    filed_with = models.ForeignKey(Division, verbose_name="备案机关", on_delete=models.PROTECT, related_name="+")
    holder_name = models.CharField("持有人姓名", max_length=50)
    post = models.CharField("职务", max_length=50)
    since = models.DateField("任职起始日期")
    trained = models.BooleanField("是否经过培训", default=False)
    training_date = models.DateField("培训日期", null=True, blank=True)
    training_certificate = models.CharField("培训证书编号", max_length=50, blank=True)
    contact = models.CharField("联系电话", max_length=20)
    note = models.CharField("变更说明", max_length=200, blank=True)
    filed_by = models.ForeignKey(User, verbose_name="报送人", on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField("报送时间", default=timezone.now)
    confirmed_by = models.ForeignKey(User, verbose_name="确认人", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = "学籍管理员备案"
        verbose_name_plural = "学籍管理员备案"
        indexes = [models.Index(fields=["account", "-filed_at"], name="filing_account_latest")]

    def __str__(self) -> str:
        return f"{self.holder_name}({self.post})"


class TotpDevice(models.Model):
    """A TOTP authenticator (RFC 6238) bound to an account. A reset from above dates `revoked_at`; a new
    enrolment is a new row, so the history of who held which factor stays."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="totp_devices")
    # The shared secret must be readable to compute codes; the database is the registry's own.
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last 30-second step whose code was accepted: a code of this step or an earlier one is a replay.
    last_step = models.BigIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "动态口令设备"
        verbose_name_plural = "动态口令设备"
        constraints = [
            # At most one live (not revoked) device per account: enrolment replaces an unconfirmed one in place.
            models.UniqueConstraint(fields=["user"], condition=models.Q(revoked_at__isnull=True),
                                    name="totp_one_live_device"),
        ]
