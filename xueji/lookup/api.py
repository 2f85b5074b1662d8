"""/api/v1/public: the student-number query families use without an account, and its captcha."""

from ninja import Field, Router, Schema

from xueji.api.common import errors
from xueji.core.masking import STUDENT_NUMBER_DOC
from xueji.core.middleware import current_client_ip

from . import captcha, services
from .inputs import read_query

router = Router(tags=["学籍号查询(公开)"], auth=None)


class LookupIn(Schema):
    name: str | None = Field(None, description="学生姓名,须与学籍记录一致")
    id_number: str | None = Field(None, description="学生的18位居民身份证号(可含空格、小写x或全角数字);"
                                                     "与 student_number 二选一")
    student_number: str | None = Field(None, description="学籍号(19位,G/J/L字头);与 id_number 二选一")
    captcha_token: str | None = Field(None, description="验证码令牌(GET /public/captcha 所得);"
                                                        "多次查询不到后须填写")
    captcha_answer: str | None = Field(None, description="验证码图中算式的答案")


class LookupOut(Schema):
    student_number: str | None = Field(description=STUDENT_NUMBER_DOC + ";待注册的学生尚无学籍号时为 null")
    school: str = Field(description="就读学校名称")
    grade: str = Field(description="年级,如“三年级”“初一”“高二”")
    status: str = Field(description="学籍状态,如“在籍”“休学”“毕业”")


class CaptchaOut(Schema):
    token: str = Field(description="验证码令牌,随答案一起提交;一次有效")
    image: str = Field(description="算式图片(data:image/svg+xml;base64,…)")
    expires_in: int = Field(description="有效秒数")


@router.post("/lookup", response={200: LookupOut, **errors(400, 404, 429)}, summary="家长查询学籍号")
def lookup(request, payload: LookupIn):
    """以学生姓名加身份证件号(或学籍号)查询该生的学籍号、学校、年级和学籍状态,不返回其他信息;
    G字头学籍号含身份证件号,以掩码显示。证件号不存在与姓名不符的回答完全相同(404)。
    同一来源地址每分钟限查若干次,超出返回 429 并在 Retry-After 头中给出秒数;同一证件号多次查询不到即暂停查询
    一段时间(不论来源地址);同一地址多次查询不到后,每次查询须先完成验证码(429,code 为 captcha_required)。
    每次查询都记入审计日志,证件号只以密钥摘要记录。"""
    query = read_query(payload.name, payload.id_number, payload.student_number)
    actor = request.user if request.user.is_authenticated else None
    return services.lookup(query, address=current_client_ip() or "", actor=actor,
                           captcha_token=payload.captcha_token, captcha_answer=payload.captcha_answer)


@router.get("/captcha", response={200: CaptchaOut}, summary="获取查询用验证码")
def new_captcha(request):
    """一道以图片显示的算式;答案只保存在服务器一方(签名令牌中的密钥摘要),一次有效,过期作废。"""
    made = captcha.new_captcha()
    return {"token": made.token, "image": made.data_uri, "expires_in": made.expires_in}
