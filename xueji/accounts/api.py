"""/api/v1/auth: bearer tokens, who am I, and the accounts an officer creates below his node."""

from datetime import datetime

from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status

from xueji.api.common import Page, PageNumber, PageSize, errors, paginate
from xueji.core.errors import RuleViolation
from xueji.orgs.models import Division, School
from xueji.policy.violations import Violation

from .models import SCHOOL_ROLES, ApiToken, Role, User
from .permissions import AccountPolicy
from .services import check_password_login, create_account, issue_token, revoke_token, unlock_account
from .throttle import with_lock_state

router = Router(tags=["账号与令牌"])


class TokenIn(Schema):
    username: str = Field(description="用户名")
    password: str = Field(description="密码")


class TokenOut(Schema):
    token: str = Field(description="访问令牌;之后以 Authorization: Bearer <令牌> 发送")
    expires_at: datetime = Field(description="令牌失效时间")


class MeOut(Schema):
    username: str = Field(description="用户名")
    display_name: str = Field(description="姓名")
    role: str = Field(description="角色:registrar、leader、county、city、province、auditor")
    role_label: str = Field(description="角色名称,如“县级学籍主管部门”")
    org_code: str = Field(description="所属单位代码:6位行政区划代码或10位学校标识码")
    org_name: str = Field(description="所属单位名称")
    org_level: str = Field(description="所属单位层级:province、city、county 或 school")


class AccountIn(Schema):
    username: str = Field(description="用户名,全省唯一")
    password: str = Field(description="初始密码,至少10位,不能是纯数字或常见密码")
    role: str = Field(description="角色:registrar 学校学籍管理员、leader 学校学籍主管领导、county、city、auditor …")
    org: str = Field(description="所属单位代码:学校角色填10位学校标识码,其余填6位行政区划代码")
    display_name: str = Field("", description="姓名")
    phone: str = Field("", description="联系电话")


class AccountOut(MeOut):
    is_active: bool = Field(description="账号是否启用")
    locked: bool = Field(description="用户名是否因连续登录失败而须等待(常用地址不受影响;上级可解锁)")
    created_at: datetime = Field(description="建立时间")


def me_json(user: User) -> dict:
    org = user.org
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "role_label": Role(user.role).label if user.role in Role.values else user.role,
        "org_code": user.org_code,
        "org_name": org.name if org else "",
        "org_level": "school" if user.school_id else (user.division.level if user.division else ""),
    }


def account_json(user: User) -> dict:
    return {**me_json(user), "is_active": user.is_active, "locked": user.is_locked, "created_at": user.date_joined}


@router.post("/token", auth=None, response={200: TokenOut, **errors(400, 401, 429)},
             summary="以用户名和密码换取访问令牌")
def obtain_token(request, payload: TokenIn):
    """连续输错密码后须等待一段时间(逐次加倍)才能再试,等待期间返回 429 并在 Retry-After 头中给出秒数,
    正确的密码也须等待;限速按来源地址和用户名分别计算。不存在的用户名与输错密码的回答完全相同。
    在本账号近期成功登录过的地址上,用户名的等待不适用(只按该地址本身限速);上级主管部门也可解锁。"""
    user = check_password_login(payload.username, payload.password)
    key, token = issue_token(user)
    return {"token": key, "expires_at": token.expires_at}


class TokenInfoOut(Schema):
    id: int = Field(description="令牌编号,用于吊销")
    created_at: datetime = Field(description="签发时间")
    expires_at: datetime = Field(description="失效时间")
    current: bool = Field(description="是否为本次请求所用的令牌")


@router.post("/logout", response={204: None, **errors(401)}, summary="退出:吊销本次请求所用的令牌")
def logout(request):
    """吊销后该令牌立即失效(401)。"""
    revoke_token(request.user, request.api_token.pk, action="auth.logout")
    return Status(204, None)


@router.get("/tokens", response={200: list[TokenInfoOut], **errors(401)}, summary="本人仍有效的令牌")
def my_tokens(request):
    current = getattr(request, "api_token", None)
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True,
                                     expires_at__gt=timezone.now()).order_by("-created_at")
    return [{"id": t.pk, "created_at": t.created_at, "expires_at": t.expires_at,
             "current": current is not None and t.pk == current.pk} for t in tokens]


@router.post("/tokens/{token_id}/revoke", response={204: None, **errors(401, 404)}, summary="吊销本人的一个令牌")
def revoke_my_token(request, token_id: int = Path(..., ge=1, le=2**63 - 1, description="令牌编号")):
    """只能吊销本人的令牌;他人的或不存在的令牌一律 404。"""
    revoke_token(request.user, token_id)
    return Status(204, None)


@router.get("/me", response={200: MeOut, **errors(401)}, summary="当前登录账号")
def who_am_i(request):
    return me_json(request.user)


def _node_for(role: str, code: str) -> tuple[Division | None, School | None]:
    # Org codes are public identifiers (GB/T 2260, 学校标识码); whether the actor may place an account
    # there is create_account's decision (404 outside his subtree, 403 at or above his level), not this lookup's.
    if role in SCHOOL_ROLES:
        school = School.objects.filter(pk=code).first()
        if school is None:
            raise RuleViolation(Violation(code="unknown_school", field="org",
                                          message=f"学校标识码“{code}”不存在,请填写10位学校标识码"))
        return None, school
    division = Division.objects.filter(pk=code).first()
    if division is None and role in Role.values:
        raise RuleViolation(Violation(code="unknown_division", field="org",
                                      message=f"行政区划代码“{code}”不存在,请填写6位行政区划代码"))
    return division, None


@router.post("/accounts", response={201: AccountOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="为本辖区下级单位或学校建立账号")
def create_account_endpoint(request, payload: AccountIn):
    """只有县、市、省级主管部门可以建立账号,且只能建在本辖区之内:学校账号和审计员调用时返回 403,
    单位不在本辖区之内时返回 404(与不存在的单位无从区分,并记入审计日志)。"""
    division, school = _node_for(payload.role, payload.org.strip())
    user = create_account(
        request.user, username=payload.username, password=payload.password, role=payload.role,
        division=division, school=school, display_name=payload.display_name, phone=payload.phone,
    )
    return Status(201, account_json(user))


@router.get("/accounts", response={200: Page[AccountOut], **errors(400, 401)}, summary="本辖区内的账号")
def list_accounts(
    request,
    role: str | None = Query(None, description="按角色筛选"),
    org: str | None = Query(None, description="按所属单位代码筛选"),
    page: PageNumber = 1,
    page_size: PageSize = 50,
):
    qs = with_lock_state(AccountPolicy.visible_to(request.user).select_related("school", "division")).order_by("username")
    if role:
        qs = qs.filter(role=role)
    if org:
        qs = qs.filter(school_id=org) if len(org) == 10 else qs.filter(division_id=org)
    body, _ = paginate(qs, page, page_size, account_json)
    return body


@router.post("/accounts/{username}/unlock", response={200: AccountOut, **errors(401, 403, 404)},
             summary="解除账号的登录等待(上级主管部门)")
def unlock_account_endpoint(request, username: str):
    """只有账号所属单位的上级主管部门可以解锁;辖区外或不存在的账号返回 404,同级返回 403。"""
    return account_json(unlock_account(request.user, username))
