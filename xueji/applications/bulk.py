"""Filing one kind of application for many students at once (e.g. a whole intake's registrations, 第十一条).

Each student's application is its own transaction: one refused record does not hold back the others, and the
caller gets every student's answer.
"""

import uuid

from django.utils import timezone

from xueji.core.errors import Forbidden, ServiceError
from xueji.students.selectors import find_student

from . import services
from .engine import change_type

MAX_BATCH = 2000


def new_batch_id(type_code: str) -> str:
    return f"{type_code[:14]}-{timezone.localtime():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"


def submit_many(actor, type_code: str, keys: list, *, payload: dict | None = None, reason: str = "") -> dict:
    """Submit `type_code` for each student key; returns the batch id and one result per key, in order."""
    change = change_type(type_code)
    # A role that may start none of them is told once, not once per student.
    if actor.role not in change.starter_roles:
        raise Forbidden(f"{change.label}申请须由学校学籍管理员发起")
    batch = new_batch_id(type_code)
    results = []
    for key in keys:
        try:
            student = find_student(actor, str(key), purpose="application", audit_read=False)
            application = services.submit(actor, type_code, student, dict(payload or {}), reason=reason,
                                          batch=batch)
        except ServiceError as exc:
            results.append({"student": str(key), "status": exc.status, "application": None, "error": exc})
        else:
            results.append({"student": str(key), "status": 201, "application": application, "error": None})
    return {"batch": batch, "results": results}
