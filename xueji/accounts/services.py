"""Accounts: creation from the level above, password log-in behind the throttle, unlock, API tokens."""

import functools
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from xueji.audit import services as audit
from xueji.core.errors import Conflict, Forbidden, NotFound, RuleViolation, ServiceError
from xueji.core.jurisdiction import covers_division
from xueji.core.middleware import current_client_ip
from xueji.orgs.models import Division, School
from xueji.policy.violations import Violation

from . import throttle
from .dormancy import is_dormant, refuse_sealed
from .models import ROLE_LEVEL, SCHOOL_ROLES, ApiToken, Role, User
from .permissions import account_in_charge, org_below_actor
from .totp import second_factor_due


class LoginFailed(ServiceError):
    status = 401
    summary = "用户名或密码错误"
    default_code = "login_failed"


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
    elif role == Role.GUARDIAN:
        problems.append(Violation(code="guardian_self_service", field="role",
                                  message="家长账号由家长凭学校发放的绑定码自行开通,不能在此建立"))
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
        # The unsaved account lets the rules compare the password with the username.
        validate_password(password or "", User(username=(username or "").strip()))
    except ValidationError as exc:
        problems.append(Violation(code="weak_password", field="password", message=";".join(exc.messages)))
    if problems:
        raise RuleViolation(problems)
    own_node_auditor = role == Role.AUDITOR and division is not None and division.code == actor.division_id
    if not (own_node_auditor or org_below_actor(actor, division, school)):
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


# Longer "passwords" are refused without hashing: no real password is this long (the rules stop at 128).
MAX_PASSWORD_INPUT = 1024


@functools.cache
def _dummy_hash() -> str:
    # A hash of a random secret with the live hasher's parameters: checking a password of an unknown name against
    # it costs what checking a real account's does, so the answer's timing does not tell which names exist.
    return make_password(secrets.token_urlsafe(16))


def _password_matches(user: User | None, password: str) -> bool:
    if len(password) > MAX_PASSWORD_INPUT:
        return False
    if user is None:
        check_password(password, _dummy_hash())
        return False
    # An inactive account is checked all the same, then refused like an unknown one.
    return user.check_password(password) and user.is_active


def check_password_login(username: str, password: str, address: str | None = None) -> User:
    """Verify a password behind the log-in throttle (throttle.py), which answers before any hashing.

    Unknown and known usernames get the same answers (401 用户名或密码错误, 429 with the same wait after the
    same failures). From an address the account logged in from lately the username's delay does not apply, so
    failures of strangers cannot lock a user out of her own office; an officer above can also unlock it.
    """
    address = (current_client_ip() if address is None else address) or ""
    username, password = username or "", password or ""
    user = User.objects.filter(username=username).first() if len(username) <= 150 else None
    keys = throttle.keys_for(address, username, spare_username=throttle.is_known_address(user, address))
    charge, wait, first_refusal = throttle.admit(keys)
    if charge is None:
        if first_refusal:
            audit.record(user, "auth.login", object_type="user", object_id=username, outcome="locked",
                         details={"retry_after": wait})
        raise throttle.LoginThrottled(wait)
    if not _password_matches(user, password):
        audit.record(user if user and user.is_active else None, "auth.login", object_type="user",
                     object_id=username, outcome="failed")
        raise LoginFailed("用户名或密码错误")
    throttle.refund(charge)
    # Told only after the right password, so a sealed account is no oracle of which names exist.
    if user.sealed_at is not None or is_dormant(user):
        refuse_sealed(user)
    with transaction.atomic():
        throttle.remember_address(user, address)
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])
        # An auditor must not read a password step as a completed log-in: the code's own row (auth.otp) follows.
        details = {"second_factor": "pending"} if second_factor_due(user) else None
        audit.record(user, "auth.login", obj=user, object_id=username, details=details)
    return user


def unlock_account(actor: User, username: str) -> User:
    """An officer above the account's unit lifts the username's log-in delay (the user's own remedy is to log in
    from her usual computer, or to wait)."""
    account = account_in_charge(actor, username, "account.unlock", "只有账号所属单位的上级主管部门可以解锁")
    with transaction.atomic():
        was_blocked = throttle.clear_username(account.username)
        audit.record(actor, "account.unlock", obj=account, object_id=account.username,
                     details={"was_locked": bool(was_blocked)})
    return account


def issue_token(user: User) -> tuple[str, ApiToken]:
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, key_hash=ApiToken.hash_key(key),
        expires_at=timezone.now() + timedelta(hours=settings.XUEJI_TOKEN_HOURS),
    )
    return key, token


def active_token(key: str) -> ApiToken | None:
    """The unexpired, unrevoked token with this key, of an active account."""
    token = (
        ApiToken.objects.select_related("user", "user__school", "user__division")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active or token.user.sealed_at is not None:
        return None
    return token


def revoke_token(user: User, token_id: int, *, action: str = "auth.token_revoke") -> ApiToken:
    """End one of the user's own tokens; another's token is as absent as one that never existed."""
    if not ApiToken.objects.filter(pk=token_id, user=user).exists():
        raise NotFound("未找到该令牌", actor=user, action=action, object_type="apitoken", object_id=str(token_id))
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token_id, user=user)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
        audit.record(user, action, obj=token)
    return token


def revoke_all_tokens(user: User) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def change_password(user: User, old: str, new: str) -> None:
    # The old password is checked behind the same throttle as a log-in: a borrowed session must not become a
    # free password-guessing (and Argon2-burning) machine.
    keys = throttle.keys_for(current_client_ip() or "", user.username, spare_username=False)
    charge, wait, _first = throttle.admit(keys)
    if charge is None:
        raise throttle.LoginThrottled(wait)
    if len(old or "") > MAX_PASSWORD_INPUT or not user.check_password(old):
        raise RuleViolation(Violation(code="wrong_password", field="old_password", message="原密码不正确"))
    throttle.refund(charge)
    try:
        validate_password(new, user)
    except ValidationError as exc:
        raise RuleViolation(Violation(code="weak_password", field="new_password", message=";".join(exc.messages))) from exc
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])
        # A changed password ends every API token; other web sessions end with the old password's session hash.
        revoked = revoke_all_tokens(user)
        audit.record(user, "account.password", obj=user, object_id=user.username, details={"tokens_revoked": revoked})
