"""The contract is published: OpenAPI at /api/v1/openapi.json with Chinese field documentation, docs at /api/v1/docs."""

import pytest
from django.test import Client

from xueji.policy.fields import STUDENT_FIELDS

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/v1/auth/token", "/api/v1/auth/me", "/api/v1/auth/accounts", "/api/v1/orgs/{code}", "/api/v1/schools",
    "/api/v1/schools/{school_code}/classes", "/api/v1/students", "/api/v1/students/{key}",
    "/api/v1/students/{key}/events", "/api/v1/students/{key}/reveal-id", "/api/v1/students/{key}/photo",
    "/api/v1/audit/events", "/api/v1/audit/verify",
]


@pytest.fixture
def schema():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_lists_the_paths(schema):
    assert set(PATHS) <= set(schema["paths"])
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/students"])
    assert {"get", "patch"} <= set(schema["paths"]["/api/v1/students/{key}"])


def test_every_student_item_is_documented_in_chinese(schema):
    properties = schema["components"]["schemas"]["StudentOut"]["properties"]
    renamed = {"school_class": "class", "photo": "photo_url"}
    for spec in STUDENT_FIELDS:
        documented = properties[renamed.get(spec.name, spec.name)]
        assert documented.get("description"), spec.name
    assert "姓名" in properties["name"]["description"] and "第十五条" in properties["name"]["description"]
    assert "1 男" in properties["gender"]["description"]
    create = schema["components"]["schemas"]["StudentCreateIn"]
    assert create["required"] == ["school"] and "class" in create["properties"]


def test_errors_are_documented(schema):
    responses = schema["paths"]["/api/v1/students"]["post"]["responses"]
    assert {"201", "400", "403", "404", "409", "422"} <= set(responses)
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"detail", "errors"}


def test_token_endpoint_needs_no_token_and_the_rest_do(schema):
    assert not schema["paths"]["/api/v1/auth/token"]["post"].get("security")
    assert schema["paths"]["/api/v1/students"]["get"]["security"] == [{"BearerToken": []}]


def test_docs_page_is_served_without_a_cdn():
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower() and "cdn.jsdelivr" not in html
