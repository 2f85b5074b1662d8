"""The correction list (第四十五、四十六条): the authority finds its units' offences, lists them for correction, the
school sees "待整改" in its to-do list, and the authority marks an item corrected with a note, as a new row."""

import datetime
import json

import pytest
from django.utils import timezone

from tests.placement.conftest import pupils
from xueji.applications.models import Application, Step
from xueji.semester.models import Correction, CorrectionMark
from xueji.transfers.models import ArchiveHandover

from .conftest import TERM, YEAR

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def findings(client, term) -> dict:
    answer = client.get("/api/v1/semester/corrections", term)
    assert answer.status_code == 200, answer.content
    return {f["kind"]: f for f in answer.json()["findings"]}


def late_step(world, org_code: str, org_name: str, student) -> Step:
    application = Application.objects.create(type="info_change", student=student, school=world.school_a,
                                             created_by=world.registrar_a, status="approved")
    return Step.objects.create(application=application, order=1, label="审核", org_code=org_code, org_name=org_name,
                               role="county", status=Step.Status.APPROVED, due_date=TODAY - datetime.timedelta(days=5),
                               decided_at=timezone.now())


def test_the_county_finds_each_kind_of_offence(world, api_for, make_student, term):
    pupils(world.school_a, 1, 51, school_class=world.class_a1)  # above the hard cap of 50
    newcomer = make_student(name="赵小刚")
    type(newcomer).objects.filter(pk=newcomer.pk).update(created_at=timezone.now() - datetime.timedelta(days=20))
    transfer = Application.objects.create(type="transfer", student=newcomer, school=world.school_b,
                                          created_by=world.registrar_b, status="approved")
    ArchiveHandover.objects.create(application=transfer, student=newcomer, from_school=world.school_a,
                                   from_school_name="坞城路小学", to_school=world.school_b, to_school_name="新建路小学",
                                   due_date=TODAY - datetime.timedelta(days=2))
    late_step(world, world.school_a.pk, "坞城路小学", newcomer)
    found = findings(api_for(world.county_xd), term)
    assert set(found) == {"over_cap", "unregistered", "archive_late", "decided_late"}
    assert found["over_cap"]["articles"] == "第十三条、第四十六条" and "51人" in found["over_cap"]["detail"]
    assert found["unregistered"]["unit_code"] == world.school_a.pk
    assert found["archive_late"]["detail"].endswith("未寄出档案")
    # Another county's officer finds none of them.
    assert findings(api_for(world.county_yz), term) == {}


def test_a_late_county_is_the_citys_to_correct_under_article_45(world, api_for, make_student, term):
    late_step(world, world.xiaodian.code, "小店区", make_student())
    found = findings(api_for(world.city_ty), term)
    assert found["decided_late"]["unit_code"] == world.xiaodian.code
    assert "第四十五条" in found["decided_late"]["articles"]


def test_list_then_mark_corrected_keeps_the_history(world, api_for, term):
    pupils(world.school_a, 1, 51, school_class=world.class_a1)
    county, school = api_for(world.county_xd), api_for(world.registrar_a)
    key = findings(county, term)["over_cap"]["key"]
    refused = post(school, "/api/v1/semester/corrections", {**term, "refs": [key]})
    assert refused.status_code == 403 and "第四十六条" in refused.json()["errors"][0]["message"]
    listed = post(county, "/api/v1/semester/corrections", {**term, "refs": [key]})
    assert listed.status_code == 201 and len(listed.json()) == 1
    item = listed.json()[0]
    assert item["unit_code"] == world.school_a.pk and item["corrected"] is False
    # Listing again adds nothing: one item per offence and term.
    assert post(county, "/api/v1/semester/corrections", term).json() == []
    assert findings(county, term)["over_cap"]["listed"] is True
    # The school finds it in its to-do list and on its correction list.
    todo = school.get("/api/v1/todo").json()["items"]
    assert [i["kind"] for i in todo if i["kind"] == "correction"] == ["correction"]
    assert school.get("/api/v1/semester/corrections", term).json()["items"][0]["id"] == item["id"]
    # Only the listing authority marks it corrected, with a note.
    url = f"/api/v1/semester/corrections/{item['id']}/done"
    own = post(school, url, {"note": "已分班"})
    assert own.status_code == 403 and own.json()["errors"][0]["article"] == "第四十六条"
    assert post(api_for(world.county_yz), url, {"note": "已分班"}).status_code == 404
    blank = post(county, url, {"note": " "})
    assert blank.status_code == 422 and blank.json()["errors"][0]["article"] == "第四十六条"
    done = post(county, url, {"note": "已增设一班,分流6人"})
    assert done.status_code == 201 and done.json()["corrected"] is True
    assert CorrectionMark.objects.filter(correction_id=item["id"]).count() == 1
    assert Correction.objects.filter(pk=item["id"], school_year=YEAR, term=TERM).exists()
    assert not [i for i in school.get("/api/v1/todo").json()["items"] if i["kind"] == "correction"]


def test_correction_pages(world, client_for, term):
    pupils(world.school_a, 1, 51, school_class=world.class_a1)
    county = client_for(world.county_xd)
    page = county.get("/semester/corrections/", term).content.decode()
    assert "班额超标" in page and "第十三条、第四十六条" in page
    assert county.post("/semester/corrections/list/", term).status_code == 302
    item = Correction.objects.get()
    refused = county.post(f"/semester/corrections/{item.pk}/done/", {**term, "note": ""})
    assert refused.status_code == 422 and "第四十六条" in refused.content.decode()
    assert county.post(f"/semester/corrections/{item.pk}/done/", {**term, "note": "已调整"}).status_code == 302
    school_page = client_for(world.registrar_a).get("/semester/corrections/", term).content.decode()
    assert "已整改" in school_page
    assert client_for(world.county_yz).post(f"/semester/corrections/{item.pk}/done/", {"note": "x"}).status_code == 404
