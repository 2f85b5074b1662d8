"""A guardian reads his bound children only (第十一条, 第四十四条): any other student is 404 by number and by id,
and every officer page and endpoint refuses him."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from xueji.api.router import api as ninja_api
from xueji.audit.models import AuditEvent
from xueji.core.masking import mask_id
from xueji.students.permissions import StudentPolicy

pytestmark = pytest.mark.django_db


def test_the_guardian_reads_his_childs_whole_record_masked(world, gapi, guardian, child):
    response = gapi(guardian).get(f"/guardian/children/{child.key}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "张小明" and body["id_number"] == mask_id(child.id_number)
    assert len(body["family"]) >= 1
    assert AuditEvent.objects.filter(actor=guardian, action="guardian.view", object_id=child.key).exists()


def test_another_child_is_404_by_id_and_by_number(world, gapi, client_for, guardian, other_child):
    from xueji.students.models import Student

    Student.objects.filter(pk=other_child.pk).update(student_number="J1234567890123456789"[:19])
    for key in (str(other_child.pk), "J123456789012345678"):
        assert gapi(guardian).get(f"/guardian/children/{key}").status_code == 404
        assert client_for(guardian).get(f"/guardian/children/{key}/").status_code == 404
        assert gapi(guardian).post(f"/guardian/children/{key}/confirm").status_code == 404
    assert AuditEvent.objects.filter(actor=guardian, outcome="denied").count() == 6


def test_the_child_page_shows_the_record_and_the_term_check(world, client_for, guardian, child):
    page = client_for(guardian).get(f"/guardian/children/{child.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "张小明" in text and "信息无误" in text
    assert child.id_number not in text and mask_id(child.id_number) in text


def test_the_policies_give_a_guardian_nothing(world, guardian, child):
    from xueji.orgs.permissions import ClassPolicy, DivisionPolicy, SchoolPolicy

    assert not StudentPolicy.visible_to(guardian).exists()
    assert not SchoolPolicy.visible_to(guardian).exists()
    assert not DivisionPolicy.visible_to(guardian).exists()
    assert not ClassPolicy.visible_to(guardian).exists()
    assert not StudentPolicy.user_can(guardian, "view", child)


# ---------------------------------------------------------------- the refusal walk


def _web_patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = ":".join(filter(None, [namespace, entry.namespace]))
            yield from _web_patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}", prefix + str(entry.pattern)


# What a guardian may open: his own pages, the log-in/out and his password; the school-side pages of the
# guardians app answer by jurisdiction (404), which the walk accepts as a refusal too.
OWN = {"web:login", "web:logout", "web:accounts:password", "web:home", "web:guardians:home",
       "web:guardians:sign_up", "web:guardians:child", "web:guardians:add_child", "web:guardians:confirm",
       "web:guardians:report",
       # The public student-number query is open to anyone, a guardian included.
       "web:lookup:page"}
WEB = sorted((name, path) for name, path in _web_patterns()
             if name.startswith("web:") and name not in OWN)


def _fill(path: str, values: dict) -> str:
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), "1"), path)
    return "/" + path


def test_the_walk_covers_the_officer_pages():
    names = {name for name, _ in WEB}
    assert {"web:students:search", "web:students:detail", "web:orgs:school", "web:audit:list"} <= names
    assert len(WEB) >= 40


def test_every_other_page_refuses_a_guardian(world, client_for, guardian, child):
    # One test walking every page (not one per page): the world is built once, the walk stays cheap.
    values = {"key": child.key, "code": world.school_a.pk, "pk": str(world.class_a1.pk), "username": "reg_a"}
    client = client_for(guardian)
    let_through = []
    for name, path in WEB:
        url = _fill(path, values)
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            if status not in (403, 404, 405):
                let_through.append((name, method, url, status))
    assert not let_through


def _api_routes():
    for path, operations in ninja_api.get_openapi_schema(path_prefix="/api/v1")["paths"].items():
        for method in operations:
            if not path.startswith(("/api/v1/guardian/", "/api/v1/auth/", "/api/v1/public/")):
                yield method, path


API_ROUTES = sorted(_api_routes())


def test_every_other_endpoint_refuses_a_guardians_token(world, api_for, guardian, child):
    client = api_for(guardian)
    let_through = []
    for method, path in API_ROUTES:
        url = re.sub(r"\{(\w+)\}", lambda m: child.key if m.group(1) == "key" else "1", path)
        if method == "get":
            response = client.get(url)
        else:
            response = getattr(client, method)(url, "{}", content_type="application/json")
        if response.status_code != 403 or response.json()["errors"][0]["code"] != "forbidden":
            let_through.append((method, url, response.status_code))
    assert len(API_ROUTES) >= 60 and not let_through


def test_the_home_page_sends_a_guardian_to_his_children(world, client_for, guardian):
    response = client_for(guardian).get("/")
    assert response.status_code == 302 and response["Location"] == "/guardian/"
    nav = client_for(guardian).get("/guardian/").context["nav_items"]
    assert [item["label"] for item in nav] == ["我的孩子"]
    assert client_for(guardian).get("/account/password/").status_code == 200
