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
    failed_logins = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"
        constraints = [
            models.CheckConstraint(
                name="user_bound_to_one_node",
                condition=models.Q(is_superuser=True)
                | (models.Q(school__isnull=False) & models.Q(division__isnull=True))
                | (models.Q(school__isnull=True) & models.Q(division__isnull=False)),
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
    def is_locked(self) -> bool:
        return bool(self.locked_until and self.locked_until > timezone.now())


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
