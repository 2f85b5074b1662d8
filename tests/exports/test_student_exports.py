"""Student search and class lists as .xlsx: the page's and the API's rows, masked IDs, streamed, audited, capped,
and refused to outsiders."""

import pytest
from django.http import FileResponse

from tests import factories as f
from xueji.audit.models import AuditEvent
from xueji.core.masking import mask_id

from .conftest import FORMULA_NAME, export_from, sheet_rows

pytestmark = pytest.mark.django_db
API = "/api/v1/students"


def test_api_export_equals_the_list_with_the_same_filters(world, pupils, api_for):
    client = api_for(world.county_xd)
    listed = client.get(API, {"grade": 1, "school": world.school_a.pk}).json()["results"]
    response = client.get(API, {"grade": 1, "school": world.school_a.pk, "format": "xlsx"})
    assert response.status_code == 200 and isinstance(response, FileResponse) and response.streaming
    rows = sheet_rows(response)
    assert [r[1] for r in rows] == [s["name"] for s in listed] and len(rows) == 2
    formula = next(r for r in rows if r[1] == FORMULA_NAME)  # the name arrives as its text, not a link
    student = pupils["formula"]
    assert formula[6] == mask_id(student.id_number) != student.id_number
    assert all(student.id_number not in str(cell) for r in rows for cell in r)
    event = AuditEvent.objects.filter(action="student.export").get()
    assert event.actor_username == "xd" and event.details["count"] == 2 and event.details["grade"] == 1


def test_search_page_links_its_export_and_the_file_holds_its_rows(world, pupils, client_for):
    client = client_for(world.registrar_a)
    page = client.get("/students/", {"q": "小"})
    assert ("q", "小") in page.context["export_params"]
    assert "导出 Excel" in page.content.decode() and "1,000,000" in page.content.decode()
    rows = sheet_rows(export_from(client, page))
    assert sorted(r[1] for r in rows) == sorted(s.name for s in page.context["students"]) == ["李小红", "王小明"]


def test_class_page_exports_its_students_and_outsiders_are_refused(world, pupils, client_for):
    url = f"/classes/{world.class_a1.pk}/"
    rows = sheet_rows(client_for(world.registrar_a).get(url, {"format": "xlsx"}))
    assert [r[1] for r in rows] == [FORMULA_NAME] and rows[0][10] == world.class_a1.name
    assert client_for(world.registrar_b).get(url, {"format": "xlsx"}).status_code == 404
    assert client_for(world.county_yz).get(url, {"format": "xlsx"}).status_code == 404
    assert not AuditEvent.objects.filter(action="student.export", actor_username__in=["reg_b", "yz"]).exists()


def test_another_county_naming_a_school_is_refused_and_sees_only_its_own(world, pupils, api_for):
    client = api_for(world.county_yz)
    refused = client.get(API, {"school": world.school_a.pk, "format": "xlsx"})
    assert refused.status_code == 404
    assert AuditEvent.objects.filter(actor_username="yz", outcome="denied", object_id=world.school_a.pk).exists()
    assert [r[1] for r in sheet_rows(client.get(API, {"format": "xlsx"}))] == ["赵小刚"]


def test_a_guardian_gets_no_list(world, pupils, api_for, client_for):
    parent = f.user("parent_li", "guardian")
    response = api_for(parent).get(API, {"format": "xlsx"})
    assert response.status_code == 403  # a guardian's token opens his own child's pages only
    assert client_for(parent).get("/students/", {"format": "xlsx"}).status_code == 403
    assert not AuditEvent.objects.filter(action="student.export").exists()


def test_over_the_cap_is_refused_with_a_message(world, pupils, api_for, client_for, settings):
    settings.XUEJI_EXPORT_MAX_ROWS = 1
    response = api_for(world.county_xd).get(API, {"format": "xlsx"})
    assert response.status_code == 422
    assert "超过单次导出上限 1 行" in response.json()["errors"][0]["message"]
    page = client_for(world.county_xd).get("/students/", {"q": "小", "format": "xlsx"}, follow=True)
    assert "超过单次导出上限" in page.content.decode()
    assert not AuditEvent.objects.filter(action="student.export").exists()
