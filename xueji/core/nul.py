"""Refuse a request that carries a NUL character, before any view sees it.

PostgreSQL text cannot hold U+0000, so a NUL that reached a query or a saved field answered 500 there while SQLite
stored it. No field of the registry may contain one, so it is refused once, here, with 400: in the query string, in
a form body, the text fields of a multipart form (not its files, whose bytes may be anything) and a JSON body
(where it arrives escaped as \\u0000).
"""

import json

from django.http import HttpResponse, JsonResponse

MESSAGE = "请求中含有不允许的空字符(NUL,\\u0000),请删除后重试"


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _json_has_nul(body: bytes) -> bool:
    if b"\\u0000" not in body.lower() and b"\x00" not in body:
        return False  # the common case: one scan of the bytes, no second parse
    try:
        return _has_nul(json.loads(body))
    except ValueError:
        return False  # malformed JSON: the API's own parser refuses it with its message


def carries_nul(request) -> bool:
    query = request.META.get("QUERY_STRING", "")
    if "%00" in query or "\x00" in query or "\x00" in request.path:
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("application/json"):
        return _json_has_nul(request.body)
    if content_type.startswith("application/x-www-form-urlencoded"):
        return b"%00" in request.body or b"\x00" in request.body
    if content_type.startswith("multipart/form-data") and request.method == "POST":
        # Parsed once here and kept by Django for the view (the CSRF check reads it the same way).
        return any("\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists())
    return False


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if carries_nul(request):
            return self._refusal(request)
        return self.get_response(request)

    @staticmethod
    def _refusal(request):
        if request.path.startswith("/api/"):
            body = {"detail": "请求格式有误",
                    "errors": [{"code": "malformed", "article": None, "field": None, "message": MESSAGE}]}
            return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
        return HttpResponse(MESSAGE, status=400, content_type="text/plain; charset=utf-8")
