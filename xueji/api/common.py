"""Pieces every router of the JSON API shares: the error body, the page envelope and text input.

The routers live in each capability's `api.py`; this module only holds what would otherwise be copied into each.
"""

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Generic, TypeVar

import annotated_types
from ninja import Field, Query, Schema
from pydantic import BeforeValidator, WrapValidator
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from xueji.core import counting
from xueji.core.counting import COUNT_CAP, bounded_count
from xueji.core.errors import malformed
from xueji.core.inputs import FIRST_YEAR, LAST_YEAR, MAX_ID

T = TypeVar("T")

MAX_PAGE_SIZE = 200
# Far beyond any real list (200 × 100,000 rows), and an offset both databases take without overflowing.
MAX_PAGE = 100_000


def bounded(kind: type, low, high):
    """`kind` between low and high inclusive (published in the OpenAPI as minimum/maximum); a value outside is
    refused with both bounds, so the message names the whole allowed range, not only the side it crossed."""

    def check(value, handler):
        try:
            return handler(value)
        except PydanticValidationError as exc:
            if any(e["type"] in _BOUND_ERRORS for e in exc.errors()):
                raise PydanticCustomError("out_of_range", "Input should be from {ge} to {le}",
                                          {"ge": low, "le": high}) from None
            raise

    # Bare constraints, not a Field: a Field here would override the default a Query(...) gives the parameter.
    return Annotated[kind, annotated_types.Ge(low), annotated_types.Le(high), WrapValidator(check)]


_BOUND_ERRORS = ("greater_than_equal", "less_than_equal", "greater_than", "less_than")

# The bounded numbers every list and every path takes: an out-of-range value is a 400 naming the field and
# the range, never an overflow in the database. A list declares `page: PageNumber = 1, page_size: PageSize = 50`;
# a path `{application_id}` declares `application_id: ObjectId`.
# (The defaults are repeated inside Query: ninja merges it into the field and would otherwise lose them.)
PageNumber = Annotated[bounded(int, 1, MAX_PAGE), Query(1, description=f"页码,1–{MAX_PAGE}")]
PageSize = Annotated[bounded(int, 1, MAX_PAGE_SIZE), Query(50, description=f"每页条数,1–{MAX_PAGE_SIZE}")]
ObjectId = bounded(int, 1, MAX_ID)
# A school year or entry year: the registry's years (the calendar and the classes use the same window).
Year = bounded(int, FIRST_YEAR, LAST_YEAR)


class ErrorItem(Schema):
    code: str = Field(description="机器可读的错误代码,如 invalid_check_digit")
    article: str | None = Field(None, description="所依据的条款,如“第十五条”;无具体条款时为 null")
    field: str | None = Field(None, description="出错的字段名(snake_case),与请求体一致;无具体字段时为 null")
    message: str = Field(description="中文说明:哪里有误、如何改正")


class ErrorOut(Schema):
    detail: str = Field(description="错误概要")
    errors: list[ErrorItem] = Field(description="逐项错误")


def errors(*statuses: int) -> dict:
    """The error answers an endpoint can give, for its `response=` declaration (and so for the OpenAPI)."""
    return {status: ErrorOut for status in statuses}


class Page(Schema, Generic[T]):
    count: int = Field(description=f"符合条件的总条数;超过 {COUNT_CAP:,} 条时为 {COUNT_CAP:,},且 more 为 true")
    more: bool = Field(False, description=f"符合条件的超过 {COUNT_CAP:,} 条(count 只数到这里,请缩小查询范围)")
    page: int = Field(description="当前页码,从 1 开始")
    page_size: int = Field(description=f"每页条数,不超过 {MAX_PAGE_SIZE}")
    results: list[T] = Field(description="本页结果")


def paginate(queryset, page: int, page_size: int, to_json, fetch=None) -> tuple[dict, int]:
    """One page of `queryset` in the envelope, plus the total (callers audit searches with it). `fetch(offset,
    limit)` may answer instead with (the page's rows, the number of matches), or None to decline (the web
    pages' paginate_sorted_matches takes the same callable)."""
    if not (1 <= page <= MAX_PAGE and 1 <= page_size <= MAX_PAGE_SIZE):
        raise malformed("page", f"页码 page 须为 1–{MAX_PAGE} 的整数,每页条数 page_size 须为 1–{MAX_PAGE_SIZE}")
    start = (page - 1) * page_size
    fetched = fetch(start, page_size) if fetch is not None and start < counting.COUNT_CAP else None
    if fetched is not None:
        found, total = fetched
        count, more = counting.capped(total)
    else:
        # Counted only up to the cap: a province-wide list is never counted to its end on every request.
        count, more = bounded_count(queryset)
        if more and start >= count:
            # Past the counted rows of a list that goes on: skipping to them would read millions of rows for one
            # page (OFFSET), so, as on the web pages, only the counted part is paged; a narrower filter or the
            # export reaches the rest.
            raise malformed("page", f"列表超过 {count:,} 条,只能翻阅前 {-(-count // page_size)} 页(每页 {page_size} 条):"
                                    "请增加筛选条件(学校、年级、状态、姓名)缩小范围,或导出 Excel")
        found = [] if start >= count and not more else queryset[start:start + page_size]
    rows = [to_json(obj) for obj in found]
    return {"count": count, "more": more, "page": page, "page_size": page_size, "results": rows}, count


def moment_in_range(moment: datetime | None, field: str) -> datetime | None:
    """A time from a query, in UTC; one outside the registry's years is a malformed request. (PostgreSQL takes
    no offset beyond ±15:59 and Python no year before 1, so a time is bounded before any query sees it.)"""
    if moment is None:
        return None
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise malformed(field, f"{field} 须为 {FIRST_YEAR} 年至 {LAST_YEAR} 年之间的时间")
    return moment.astimezone(UTC)


def _as_text(value):
    # Clients send codes as numbers ("gender": 1) and flags as booleans; the policy's normalize() reads
    # text, and a wrong value must reach it so that it answers 422 naming the field instead of a 400 here.
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        return str(value)
    return value


# A scalar taken as text. Lists and objects in its place are malformed requests (400).
Text = Annotated[str | None, BeforeValidator(_as_text)]


def json_object(request) -> dict:
    """The request body as a JSON object, or the malformed-request answer saying what is wrong with it."""
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise malformed(None, "请求体不是有效的 JSON") from None
    if not isinstance(body, dict):
        raise malformed(None, "请求体须为 JSON 对象")
    return body


def put_dotted(fields: dict, key: str, value) -> bool:
    """A form field named outer.inner goes into fields[outer][inner] (changes.name=王晓明); False for a plain key."""
    outer, dot, inner = key.partition(".")
    if not dot:
        return False
    fields.setdefault(outer, {})
    if not isinstance(fields[outer], dict):
        raise malformed(outer, f"{outer} 须为对象")
    fields[outer][inner] = value
    return True
