"""/api/v1/auth: bearer tokens, who am I, and the accounts an officer creates below his node."""

from datetime import date, datetime
from typing import Literal

from django.conf import settings
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status

from xueji.api.common import ObjectId, Page, PageNumber, PageSize, errors, paginate
from xueji.core.errors import Forbidden, RuleViolation
from xueji.core.masking import mask_phone
from xueji.orgs.models import Division, School
from xueji.policy.violations import Violation

from .dormancy import reopen_account
from .filing import confirm_filing, filing_history, filing_status, filings_to_watch, submit_filing
from .lifecycle import close_account
from .models import SCHOOL_ROLES, ApiToken, Role, User
from .permissions import AccountPolicy
from .services import check_password_login, create_account, issue_token, revoke_token, unlock_account
from .throttle import with_lock_state
from .totp import (
    TOTP_ROLES,
    check_login_code,
    confirm_enrolment,
    is_enrolled,
    provisioning_uri,
    reset_totp,
    start_enrolment,
)

router = Router(tags=["账号与令牌"])


class TokenIn(Schema):
    username: str = Field(description="用户名")
    password: str = Field(description="密码")
    otp: str | None = Field(None, max_length=16,
                            description="动态口令:已绑定验证器的省级、市级和审计员账号须填写验证器上的6位数字")


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
    is_active: bool = Field(description="账号是否启用(已注销的账号为 false)")
    sealed: bool = Field(description="是否因长期未使用而被封存(须上级启封)")
    closed_on: date | None = Field(None, description="注销日期")
    closed_reason: str = Field("", description="注销原因")
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
    return {**me_json(user), "is_active": user.is_active, "locked": user.is_locked, "created_at": user.date_joined,
            "sealed": user.sealed_at is not None, "closed_on": user.closed_on, "closed_reason": user.closed_reason}


@router.post("/token", auth=None, response={200: TokenOut, **errors(400, 401, 403, 429)},
             summary="以用户名和密码换取访问令牌")
def obtain_token(request, payload: TokenIn):
    """已绑定动态口令的省级、市级和审计员账号还须在 otp 字段填写验证器上的6位数字,缺少、错误或重复使用
    (同一30秒内的口令只能用一次)时返回 401;站点要求动态口令而账号尚未绑定时也返回 401,请先在网页上登录绑定。
    连续90天未使用而被封存的账号返回 403,须由上级主管部门启封。
    连续输错密码后须等待一段时间(逐次加倍)才能再试,等待期间返回 429 并在 Retry-After 头中给出秒数,
    正确的密码也须等待;限速按来源地址和用户名分别计算。不存在的用户名与输错密码的回答完全相同。
    在本账号近期成功登录过的地址上,用户名的等待不适用(只按该地址本身限速);上级主管部门也可解锁。"""
    user = check_password_login(payload.username, payload.password)
    check_login_code(user, payload.otp)
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


Username = Path(..., max_length=150, description="用户名")


class CloseIn(Schema):
    reason: str = Field(max_length=200, description="注销原因,如“调离岗位”“退休”")
    closed_on: date | None = Field(None, description="注销日期(不填为今天,不能晚于今天)")


@router.post("/accounts/{username}/close", response={200: AccountOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="注销账号(持有人离岗;上级主管部门)")
def close_account_endpoint(request, payload: CloseIn, username: str = Username):
    """账号不删除:停用并记下注销日期和原因,其审计记录、审批意见和备案仍保留并显示持有人姓名。"""
    return account_json(close_account(request.user, username, reason=payload.reason, closed_on=payload.closed_on))


@router.post("/accounts/{username}/reopen", response={200: AccountOut, **errors(401, 403, 404, 409)},
             summary="启封长期未使用而被封存的账号(上级主管部门)")
def reopen_account_endpoint(request, username: str = Username):
    return account_json(reopen_account(request.user, username))


@router.post("/accounts/{username}/totp-reset", response={200: AccountOut, **errors(401, 403, 404, 409)},
             summary="重置账号的动态口令(手机丢失或更换;上级主管部门)")
def reset_totp_endpoint(request, username: str = Username):
    """重置后该账号下次登录时重新绑定验证器。"""
    return account_json(reset_totp(request.user, username))


class TotpStateOut(Schema):
    applies: bool = Field(description="本账号的角色是否使用动态口令(省级、市级、审计员)")
    enrolled: bool = Field(description="是否已绑定验证器")
    required: bool = Field(description="站点是否要求这些角色必须绑定")


class TotpEnrolOut(Schema):
    secret: str = Field(description="密钥(Base32),可手动输入验证器")
    otpauth_uri: str = Field(description="otpauth:// 地址,可生成二维码供验证器扫描")


class TotpConfirmIn(Schema):
    otp: str = Field(max_length=16, description="验证器上显示的6位数字")


@router.get("/totp", response={200: TotpStateOut, **errors(401)}, summary="本人的动态口令状态")
def my_totp(request):
    user = request.user
    return {"applies": user.role in TOTP_ROLES, "enrolled": is_enrolled(user), "required": settings.XUEJI_REQUIRE_TOTP}


@router.post("/totp/enrol", response={200: TotpEnrolOut, **errors(401, 403, 409)}, summary="开始绑定动态口令")
def enrol_totp(request):
    """返回密钥和 otpauth:// 地址;须再以验证器上的第一个口令调用 /auth/totp/confirm 完成绑定。"""
    device = start_enrolment(request.user)
    return {"secret": device.secret, "otpauth_uri": provisioning_uri(request.user, device)}


@router.post("/totp/confirm", response={200: TotpStateOut, **errors(400, 401, 403, 409, 422, 429)},
             summary="以第一个口令确认绑定")
def confirm_totp(request, payload: TotpConfirmIn):
    confirm_enrolment(request.user, payload.otp)
    return {"applies": True, "enrolled": True, "required": settings.XUEJI_REQUIRE_TOTP}


class FilingIn(Schema):
    holder_name: str = Field(max_length=50, description="持有人姓名")
    post: str = Field(max_length=50, description="职务,如“教务主任”")
    since: date = Field(description="任职起始日期")
    trained: bool = Field(False, description="是否参加过学籍管理培训")
    training_date: date | None = Field(None, description="培训日期(已培训时必填)")
    training_certificate: str = Field("", max_length=50, description="培训证书编号")
    contact: str = Field(max_length=20, description="联系电话")
    note: str = Field("", max_length=200, description="变更说明,如“新任管理员”“完成培训”")


class FilingOut(Schema):
    id: int
    account: str = Field(description="账号用户名")
    filed_with: str = Field(description="备案机关(上一级行政区划代码)")
    holder_name: str
    post: str
    since: date
    trained: bool
    training_date: date | None
    training_certificate: str
    contact: str = Field(description="联系电话(已部分隐藏)")
    note: str
    filed_by: str = Field(description="报送人用户名")
    filed_at: datetime
    confirmed_by: str | None = Field(description="确认人用户名;未确认为 null")
    confirmed_at: datetime | None


class FilingStateOut(Schema):
    username: str
    display_name: str
    role: str
    org_code: str
    status: str = Field(description="unfiled 未备案、unconfirmed 待确认、confirmed 已备案")
    filing_id: int | None
    holder_name: str | None
    trained: bool | None


def filing_json(f) -> dict:
    return {"id": f.pk, "account": f.account.username, "filed_with": f.filed_with_id, "holder_name": f.holder_name,
            "post": f.post, "since": f.since, "trained": f.trained, "training_date": f.training_date,
            "training_certificate": f.training_certificate, "contact": mask_phone(f.contact), "note": f.note,
            "filed_by": f.filed_by.username, "filed_at": f.filed_at,
            "confirmed_by": f.confirmed_by.username if f.confirmed_by_id else None, "confirmed_at": f.confirmed_at}


@router.post("/accounts/{username}/filings", response={201: FilingOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="报送账号备案(第四十二条)")
def submit_filing_endpoint(request, payload: FilingIn, username: str = Username):
    """本人、本校主管领导或上级主管部门报送;每次变更(换人、完成培训)都是新的一条,旧的不改。"""
    filing = submit_filing(request.user, username, **payload.dict())
    return Status(201, filing_json(filing))


@router.get("/accounts/{username}/filings", response={200: list[FilingOut], **errors(401, 404)},
            summary="账号的全部备案,新的在前")
def filing_history_endpoint(request, username: str = Username):
    _account, filings = filing_history(request.user, username)
    return [filing_json(f) for f in filings]


@router.get("/filings", response={200: Page[FilingStateOut], **errors(400, 401, 403)},
            summary="本辖区须备案的账号及其状态(上级主管部门)")
def filings_to_watch_endpoint(
    request,
    status: Literal["unfiled", "unconfirmed", "confirmed"] | None = Query(None, description="按备案状态筛选"),
    page: PageNumber = 1,
    page_size: PageSize = 50,
):
    if request.user.role not in ("county", "city", "province"):
        raise Forbidden("只有县、市、省级学籍主管部门查看下级备案")
    qs = filings_to_watch(request.user, status)
    body, _ = paginate(qs, page, page_size, lambda a: {
        "username": a.username, "display_name": a.display_name, "role": a.role, "org_code": a.org_code,
        "status": filing_status(a), "filing_id": a.filing_id, "holder_name": a.filing_holder,
        "trained": a.filing_trained})
    return body


@router.post("/filings/{filing_id}/confirm", response={200: FilingOut, **errors(400, 401, 403, 404, 409)},
             summary="确认一条备案(上一级主管部门)")
def confirm_filing_endpoint(request, filing_id: ObjectId):
    return filing_json(confirm_filing(request.user, filing_id))
