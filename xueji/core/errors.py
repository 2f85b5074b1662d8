"""Exceptions the services raise; the API and the pages turn each into one HTTP answer.

A refusal always carries the rule's violations (code, article, field, Chinese message) so that the registrar
reads why, and the API returns them in the contract's error format.
"""

from collections.abc import Iterable

from xueji.policy.violations import Violation


class ServiceError(Exception):
    status = 400
    summary = "请求有误"

    def __init__(self, violations: Iterable[Violation] | Violation | str = (), summary: str | None = None):
        if isinstance(violations, str):
            violations = [Violation(code=self.default_code, message=violations)]
        elif isinstance(violations, Violation):
            violations = [violations]
        self.violations = [v for v in violations if v.severity == "error"] or list(violations)
        if summary:
            self.summary = summary
        super().__init__(self.message)

    default_code = "bad_request"

    @property
    def message(self) -> str:
        return ";".join(v.message for v in self.violations) or self.summary


class RuleViolation(ServiceError):
    """A rule of the regulation or of the record refuses the change (HTTP 422)."""

    status = 422
    summary = "不符合学籍管理规定或数据校验未通过"
    default_code = "rule_violation"


class Conflict(ServiceError):
    """A duplicate, or the object changed since it was read (HTTP 409)."""

    status = 409
    summary = "数据冲突"
    default_code = "conflict"


class Forbidden(ServiceError):
    """The user's role may not do this (HTTP 403). Objects outside the jurisdiction raise NotFound instead."""

    status = 403
    summary = "当前角色无权执行此操作"
    default_code = "forbidden"


class NotFound(ServiceError):
    """Absent, or outside the caller's jurisdiction: the two are deliberately indistinguishable (HTTP 404).

    Every NotFound is a refusal the audit log must show (第四十四条): on creation it is handed to the request
    context (xueji.core.middleware.note_refusal), which writes one `denied` row after the request's own
    transaction has rolled back. The getters name what was asked for (`action`, `object_type`, `object_id`);
    a bare NotFound is still logged, with the request's path. `refusal=False` marks a thing simply missing
    from an object the caller may read (a photo never uploaded), which is no refusal.
    """

    status = 404
    summary = "未找到,或不在您的管辖范围内"
    default_code = "not_found"

    def __init__(self, violations: Iterable[Violation] | Violation | str = (), summary: str | None = None, *,
                 actor=None, action: str = "", object_type: str = "", object_id: object = "", reason: str = "",
                 refusal: bool = True):
        super().__init__(violations, summary)
        self.actor, self.action, self.object_type, self.reason = actor, action, object_type, reason
        self.object_id = "" if object_id is None else str(object_id)
        self.audited = not refusal
        if refusal:
            from xueji.core.middleware import note_refusal

            note_refusal(self)


def malformed(field: str | None, message: str) -> ServiceError:
    """A request of the wrong shape (not JSON, a field of the wrong type), refused before any rule is asked."""
    return ServiceError(Violation(code="malformed", field=field, message=message), summary="请求格式有误")


def errors_payload(exc: ServiceError) -> dict:
    return {
        "detail": exc.summary,
        "errors": [
            {"code": v.code, "article": v.article, "field": v.field, "message": v.message}
            for v in exc.violations
        ],
    }
