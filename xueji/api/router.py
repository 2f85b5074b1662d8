"""The JSON API at /api/v1: one NinjaAPI, bearer-token auth, the contract's error format.

Each capability keeps its endpoints in its own `api.py` (orgs/api.py, students/api.py, …) and they are
mounted here; the endpoints call the same services and selectors as the web pages.
"""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from xueji.accounts.services import active_token
from xueji.api.common import ErrorItem, ErrorOut
from xueji.api.validation import http_message, malformed_errors
from xueji.core.errors import ServiceError, errors_payload
from xueji.guardians.confinement import confine_api


class Utf8Renderer(JSONRenderer):
    # The contract says JSON in UTF-8: names like 𠮷 travel as themselves, not as \\ud842\\udfb7 escapes.
    json_dumps_params = {"ensure_ascii": False}


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        found = active_token(token)
        if found is None:
            return None
        # The token itself is kept so that logout can revoke exactly the one this request used.
        request.user, request.api_token = found.user, found
        # A guardian's token opens his own endpoints only (第四十四条); everything else is refused by role.
        confine_api(request, found.user)
        return found.user


# Every operation can answer these two, whatever it declares: a malformed request (a field of the wrong type or
# out of range, a body that is not JSON) and, where a token is needed, a missing or expired one.
ALWAYS = {
    400: "请求格式有误:参数类型不对、超出取值范围,或请求体不是有效的 JSON",
    401: "未登录或令牌已失效",
}


class XuejiApi(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error_ref = {"$ref": "#/components/schemas/ErrorOut"}
        schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
            "ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}"))
        schema["components"]["schemas"].setdefault("ErrorItem", ErrorItem.model_json_schema())
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, description in ALWAYS.items():
                    if status == 401 and not operation.get("security"):
                        continue  # open to all (the token endpoint answers 401 itself when it must)
                    if status not in operation["responses"] and str(status) not in operation["responses"]:
                        operation["responses"][status] = {
                            "description": description,
                            "content": {"application/json": {"schema": error_ref}}}
        return schema


api = XuejiApi(
    title="学籍 Xueji API",
    version="1",
    description="山西省中小学生电子学籍系统接口。错误统一返回 {detail, errors:[{code, article, field, message}]}。",
    auth=BearerToken(),
    renderer=Utf8Renderer(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


@api.exception_handler(ServiceError)
def on_service_error(request, exc: ServiceError):
    response = api.create_response(request, errors_payload(exc), status=exc.status)
    if getattr(exc, "retry_after", None):  # 429: how long to wait, in seconds
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(NinjaValidationError)
def on_malformed(request, exc: NinjaValidationError):
    body = {"detail": "请求格式有误", "errors": malformed_errors(exc.errors)}
    return api.create_response(request, body, status=400)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    body = {"detail": "未登录或令牌已失效",
            "errors": [{"code": "unauthenticated", "article": None, "field": None,
                        "message": "请先通过 /api/v1/auth/token 获取令牌,并以 Authorization: Bearer <令牌> 发送"}]}
    return api.create_response(request, body, status=401)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    message = http_message(str(exc))
    body = {"detail": message, "errors": [{"code": f"http_{exc.status_code}", "article": None, "field": None,
                                           "message": message}]}
    return api.create_response(request, body, status=exc.status_code)


def _mount() -> None:
    # Imported here so each capability's module can import `api`-free helpers without a cycle.
    from xueji.access.api import roster_router as access_roster_router
    from xueji.access.api import router as access_router
    from xueji.accounts.api import router as accounts_router
    from xueji.applications.api import router as applications_router
    from xueji.applications.api_start import router as changes_router
    from xueji.archive.api import router as archive_router
    from xueji.archive.award_api import router as award_router
    from xueji.archive.item_api import router as archive_items_router
    from xueji.archive.probation_api import router as probation_router
    from xueji.audit.api import router as audit_router
    from xueji.certificates.api import router as certificates_router
    from xueji.conditions.api import router as conditions_router
    from xueji.forms.api import router as forms_router
    from xueji.graduation.api import router as graduation_router
    from xueji.guardians.api import router as guardian_router
    from xueji.guardians.api import school_router as guardian_school_router
    from xueji.intake.api import router as intake_router
    from xueji.lookup.api import router as lookup_router
    from xueji.notices.api import router as reminders_router
    from xueji.orgs.api import router as orgs_router
    from xueji.placement.api import router as placement_router
    from xueji.registers.api import router as registers_router
    from xueji.reorganisation.api import router as reorganisation_router
    from xueji.schoolyear.api import router as schoolyear_router
    from xueji.semester.api import router as semester_router
    from xueji.statistics.api import router as statistics_router
    from xueji.students.api import router as students_router
    from xueji.todo.api import router as todo_router
    from xueji.transfers.api import exchange as transfer_exchange_router
    from xueji.transfers.api import router as transfers_router
    from xueji.visiting.api import router as visiting_router
    from xueji.workdays.api import router as calendar_router

    api.add_router("/auth", accounts_router)
    api.add_router("/", orgs_router)
    api.add_router("/students", students_router)
    api.add_router("/", intake_router)
    api.add_router("/audit", audit_router)
    api.add_router("/placement", placement_router)
    api.add_router("/applications", applications_router)
    api.add_router("/", forms_router)
    api.add_router("/calendar", calendar_router)
    api.add_router("/", archive_router)
    api.add_router("/", award_router)
    api.add_router("/", probation_router)
    api.add_router("/", archive_items_router)
    api.add_router("/", reorganisation_router)
    api.add_router("/", certificates_router)
    api.add_router("/transfers", transfers_router)
    api.add_router("/visiting", visiting_router)
    api.add_router("/", transfer_exchange_router)
    api.add_router("/", changes_router)
    api.add_router("/reminders", reminders_router)
    api.add_router("/public", lookup_router)
    api.add_router("/access", access_router)
    api.add_router("/", access_roster_router)
    api.add_router("/guardian", guardian_router)
    api.add_router("/", guardian_school_router)
    api.add_router("/school-years", schoolyear_router)
    api.add_router("/graduation", graduation_router)
    api.add_router("/", conditions_router)
    api.add_router("/todo", todo_router)
    api.add_router("/", registers_router)
    api.add_router("/semester", semester_router)
    api.add_router("/statistics", statistics_router)


_mount()
