"""Helpers shared by the API tests: JSON calls with a named actor's token, and audit-row lookups."""

import json

import pytest

from xueji.audit.models import AuditEvent

API = "/api/v1"


class Api:
    """A bearer-token client that speaks JSON, so tests read as calls of the contract."""

    def __init__(self, client):
        self.client = client

    def get(self, path, **params):
        return self.client.get(API + path, params)

    def post(self, path, body=None):
        return self.client.post(API + path, data=json.dumps(body or {}), content_type="application/json")

    def patch(self, path, body):
        return self.client.patch(API + path, data=json.dumps(body), content_type="application/json")

    def raw(self, method, path, data, content_type="application/json"):
        return getattr(self.client, method)(API + path, data=data, content_type=content_type)


@pytest.fixture
def api(api_for):
    return lambda user: Api(api_for(user))


def denied_rows(user, action=None, object_id=None):
    qs = AuditEvent.objects.filter(actor=user, outcome="denied")
    if action:
        qs = qs.filter(action=action)
    if object_id is not None:
        qs = qs.filter(object_id=object_id)
    return qs


def assert_error(response, status, *, field=None, code=None, article=None):
    """The contract's error body, with the first error naming what the test expects."""
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert body["detail"] and body["errors"], body
    first = body["errors"][0]
    assert set(first) == {"code", "article", "field", "message"}
    if field is not None:
        assert first["field"] == field, body
    if code is not None:
        assert first["code"] == code, body
    if article is not None:
        assert first["article"] == article, body
    return body
