"""Accounts: creation from the level above, password log-in with lock-out, API tokens."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from xueji.audit import services as audit
from xueji.core.errors import Conflict, Forbidden, NotFound, RuleViolation, ServiceError
from xueji.core.jurisdiction import covers_division
from xueji.orgs.models import Division, School
from xueji.policy.violations import Violation

from .models import ROLE_LEVEL, SCHOOL_ROLES, ApiToken, Role, User


class LoginFailed(ServiceError):
    status = 401
    summary = "用户名或密码错误"
    default_code = "login_failed"


def _org_below_actor(actor: User, division: Division | None, school: School | None) -> bool:
    """Accounts are made from the level above (no self sign-up): only for nodes strictly inside the actor's
    subtree; an auditor may also be placed at the actor's own node."""
    if actor.is_superuser:
        return True
    if actor.role not in ("county", "city", "province"):
        return False
    if school is not None:
        node = school.tree_parent
        return covers_division(actor, node)
    return division is not None and covers_division(actor, division) and division.code != actor.division_id


def _refuse_node(actor: User, division: Division | None, school: School | None) -> None:
    """A node outside the officer's subtree is absent to him (404, audited); his own node or one above it, or a
    role that opens no accounts, is a matter of role (403)."""
    node = school.tree_parent if school is not None else division
    if actor.role in ("county", "city", "province") and node is not None and not covers_division(actor, node):
        what = "学校" if school is not None else "单位"
        raise NotFound(Violation(code="not_found", field="org", message=f"未找到该{what},或其不在您的管辖范围内"),
                       actor=actor, action="account.create", object_type="school" if school else "division",
                       object_id=(school or division).pk)
    raise Forbidden("只能为本辖区下级单位或学校建立账号")


def create_account(actor: User, *, username: str, password: str, role: str, division: Division | None = None,
                   school: School | None = None, display_name: str = "", phone: str = "") -> User:
    problems = []
    if role not in Role.values:
        problems.append(Violation(code="invalid_role", field="role", message="角色不存在,请重新选择"))
    elif role in SCHOOL_ROLES and school is None:
        problems.append(Violation(code="school_required", field="school", message="学校账号须指定所属学校"))
    elif role not in SCHOOL_ROLES and (division is None or school is not None):
        problems.append(Violation(code="division_required", field="division", message="主管部门账号须指定所属行政区划"))
    elif role in ROLE_LEVEL and division.level != ROLE_LEVEL[role]:
        problems.append(Violation(code="level_mismatch", field="division",
                                  message=f"{Role(role).label}账号须绑定到{Division.Level(ROLE_LEVEL[role]).label}级行政区划"))
    if not (username or "").strip():
        problems.append(Violation(code="required", field="username", message="请填写用户名"))
    try:
        validate_password(password or "")
    except ValidationError as exc:
        problems.append(Violation(code="weak_password", field="password", message=";".join(exc.messages)))
    if problems:
        raise RuleViolation(problems)
    own_node_auditor = role == Role.AUDITOR and division is not None and division.code == actor.division_id
    if not (own_node_auditor or _org_below_actor(actor, division, school)):
        _refuse_node(actor, division, school)
    try:
        with transaction.atomic():
            user = User(username=username.strip(), role=role, division=division, school=school,
                        display_name=display_name, phone=phone, created_by=actor if actor.pk else None)
            user.set_password(password)
            user.save()
            audit.record(actor, "account.create", obj=user, object_id=user.username,
                         details={"role": role, "org": user.org_code})
    except IntegrityError as exc:
        raise Conflict(Violation(code="duplicate_username", field="username", message="用户名已被占用")) from exc
    return user


def check_password_login(username: str, password: str) -> User:
    """Verify a password, counting failures; after too many the account locks for a while."""
    # The refusal is raised after the block: raising inside it would roll back the failure count and the
    # audit row, and the lock-out would never happen.
    with transaction.atomic():
        user, refusal = _check_login(username, password)
    if refusal is not None:
        raise refusal
    return user


def _check_login(username: str, password: str) -> tuple[User | None, LoginFailed | None]:
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None or not user.is_active:
        User().set_password(password)  # spend the same time as a real check: no username probing
        audit.record(None, "auth.login", object_type="user", object_id=username, outcome="failed")
        return None, LoginFailed("用户名或密码错误")
    if user.is_locked:
        audit.record(user, "auth.login", obj=user, object_id=username, outcome="locked")
        return None, LoginFailed(Violation(
            code="account_locked",
            message=f"登录失败次数过多,账号已锁定至{timezone.localtime(user.locked_until):%H:%M},请稍后再试或联系上级管理员"))
    if not user.check_password(password):
        user.failed_logins += 1
        if user.failed_logins >= settings.XUEJI_LOGIN_MAX_FAILURES:
            user.locked_until = timezone.now() + timedelta(minutes=settings.XUEJI_LOGIN_LOCK_MINUTES)
            user.failed_logins = 0
        user.save(update_fields=["failed_logins", "locked_until"])
        audit.record(user, "auth.login", obj=user, object_id=username, outcome="failed")
        return None, LoginFailed("用户名或密码错误")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login = timezone.now()
    user.save(update_fields=["failed_logins", "locked_until", "last_login"])
    audit.record(user, "auth.login", obj=user, object_id=username)
    return user, None


def issue_token(user: User) -> tuple[str, ApiToken]:
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, key_hash=ApiToken.hash_key(key),
        expires_at=timezone.now() + timedelta(hours=settings.XUEJI_TOKEN_HOURS),
    )
    return key, token


def user_for_token(key: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user", "user__school", "user__division")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token.user


def change_password(user: User, old: str, new: str) -> None:
    if not user.check_password(old):
        raise RuleViolation(Violation(code="wrong_password", field="old_password", message="原密码不正确"))
    try:
        validate_password(new, user)
    except ValidationError as exc:
        raise RuleViolation(Violation(code="weak_password", field="new_password", message=";".join(exc.messages))) from exc
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])
        audit.record(user, "account.password", obj=user, object_id=user.username)
