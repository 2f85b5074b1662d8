"""/api/v1/auth: bearer tokens, who am I, and the accounts an officer creates below his node."""

from datetime import datetime

from ninja import Field, Query, Router, Schema, Status

from xueji.api.common import Page, PageNumber, PageSize, errors, paginate
from xueji.core.errors import RuleViolation
from xueji.orgs.models import Division, School
from xueji.policy.violations import Violation

from .models import SCHOOL_ROLES, Role, User
from .permissions import AccountPolicy
from .services import check_password_login, create_account, issue_token

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
    locked: bool = Field(description="是否因连续登录失败而暂时锁定")
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


@router.post("/token", auth=None, response={200: TokenOut, **errors(400, 401)},
             summary="以用户名和密码换取访问令牌")
def obtain_token(request, payload: TokenIn):
    """连续输错密码达到上限后账号暂时锁定,锁定期间正确的密码也会被拒绝(401)。"""
    user = check_password_login(payload.username, payload.password)
    key, token = issue_token(user)
    return {"token": key, "expires_at": token.expires_at}


@router.get("/me", response={200: MeOut, **errors(401)}, summary="当前登录账号")
def who_am_i(request):
    return me_json(request.user)


def _node_for(role: str, code: str) -> tuple[Division | None, School | None]:
    # Org codes are public identifiers (GB/T 2260, 学校标识码); whether the actor may place an account
    # there is create_account's decision (403), not this lookup's.
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


@router.post("/accounts", response={201: AccountOut, **errors(400, 401, 403, 409, 422)},
             summary="为本辖区下级单位或学校建立账号")
def create_account_endpoint(request, payload: AccountIn):
    """只有县、市、省级主管部门可以建立账号,且只能建在本辖区之内;学校账号和审计员调用时返回 403。"""
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
    qs = AccountPolicy.visible_to(request.user).select_related("school", "division").order_by("username")
    if role:
        qs = qs.filter(role=role)
    if org:
        qs = qs.filter(school_id=org) if len(org) == 10 else qs.filter(division_id=org)
    body, _ = paginate(qs, page, page_size, account_json)
    return body
