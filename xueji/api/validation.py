"""The request-shape errors ninja and pydantic find, told in the contract's body and in Chinese.

Pydantic says "Input should be less than or equal to 100000"; the registrar reads which field is wrong and
what it accepts ("page 须为不超过 100000 的整数"). Unknown kinds of error keep pydantic's text after the field.
"""

from collections.abc import Iterable

# Where a value came from, which the field name leaves out.
_SOURCES = ("body", "query", "path", "payload", "form", "header", "cookie", "file")


def _range(ctx: dict) -> str:
    low = ctx.get("ge", ctx.get("gt"))
    high = ctx.get("le", ctx.get("lt"))
    if low is not None and high is not None:
        return f"{low}–{high}"
    if low is not None:
        return f"不小于 {low}" if "ge" in ctx else f"大于 {low}"
    return f"不大于 {high}" if "le" in ctx else f"小于 {high}"


def _reason(kind: str, ctx: dict, msg: str) -> str:
    if kind in ("out_of_range", "greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return f"超出允许范围,须为 {_range(ctx)}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "须为整数(半角数字 0–9)"
    if kind in ("float_parsing", "float_type", "decimal_parsing", "decimal_type"):
        return "须为数字"
    if kind in ("bool_parsing", "bool_type"):
        return "须为 true 或 false"
    if kind.startswith("date") or kind.startswith("datetime"):
        return "须为日期,格式 YYYY-MM-DD" if kind.startswith("date_") else "须为日期时间,如 2026-09-01T08:00:00"
    if kind == "missing":
        return "必须填写"
    if kind == "string_too_long":
        return f"过长,至多 {ctx.get('max_length')} 个字符"
    if kind == "string_too_short":
        return f"过短,至少 {ctx.get('min_length')} 个字符"
    if kind == "too_long":
        return f"条目过多,至多 {ctx.get('max_length')} 项"
    if kind == "too_short":
        return f"条目过少,至少 {ctx.get('min_length')} 项"
    if kind in ("literal_error", "enum"):
        return f"取值无效,可选:{ctx.get('expected', '')}"
    if kind == "string_pattern_mismatch":
        return "格式不正确"
    if kind == "extra_forbidden":
        return "不是该请求的字段,请删除"
    if kind in ("string_type", "string_unicode"):
        return "须为文本"
    if kind in ("list_type", "tuple_type", "set_type"):
        return "须为列表"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "须为 JSON 对象"
    return msg


def field_name(loc: Iterable) -> str | None:
    parts = [str(p) for p in loc if p not in _SOURCES]
    return ".".join(parts) or None


def malformed_errors(errors: Iterable[dict]) -> list[dict]:
    """The contract's error items for pydantic's validation errors."""
    items = []
    for err in errors:
        field = field_name(err.get("loc", []))
        reason = _reason(str(err.get("type", "")), err.get("ctx") or {}, str(err.get("msg", "")))
        items.append({"code": "malformed", "article": None, "field": field,
                      "message": f"请求格式有误:{field or '请求体'} {reason}"})
    return items


# ninja's own refusals (HttpError) in English, as the user reads them.
HTTP_MESSAGES = {
    "Cannot parse request body": "请求体不是有效的 JSON,或与 Content-Type 不符",
    "Not Found": "未找到",
    "Unauthorized": "未登录或令牌已失效",
    "Forbidden": "当前角色无权执行此操作",
}


def http_message(text: str) -> str:
    """ninja's English message for its own refusals, in Chinese (its DEBUG suffix "(…)" dropped)."""
    head = text.split(" (", 1)[0]
    return HTTP_MESSAGES.get(head, text)
