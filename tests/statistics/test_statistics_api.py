"""GET /api/v1/statistics/…: the dashboards' figures in the contract's style."""

import pytest

from xueji.statistics import selectors
from xueji.students.models import Student

pytestmark = pytest.mark.django_db


def test_girls_in_first_grade_match_the_page_and_the_records(world, registry, api_for):
    body = api_for(world.county_xd).get("/api/v1/statistics/students?division=140105&by=grade,gender").json()
    girls = next(r["students"] for r in body["rows"] if r["grade"] == 1 and r["gender"] == "2")
    direct = Student.objects.filter(school__county=world.xiaodian, school__city_run=False, status="在籍",
                                    grade=1, gender="2").count()
    page = {row[0]: row for row in next(f for f in selectors.dashboard(world.county_xd, "140105")[1]
                                        if f.key == "grade_gender").rows}
    assert girls == direct == page["一年级"][2] == 1
    assert body["scope"] == {"level": "county", "code": "140105", "name": "小店区"}


def test_by_school_and_every_status(world, registry, api_for):
    body = api_for(world.city_ty).get("/api/v1/statistics/students?by=school&status=all").json()
    found = {r["school"]: r["students"] for r in body["rows"]}
    assert found == {s: Student.objects.filter(school_id=s).count() for s in found}
    assert body["total"] == Student.objects.filter(school__city=world.taiyuan).count()


def test_changes_and_dashboard(world, registry, api_for):
    client = api_for(world.county_yz)
    changes = client.get("/api/v1/statistics/changes?by=type,side").json()
    assert changes["rows"] == [{"type": "transfer", "side": "", "decided": 1, "on_time": 1, "late": 0}]
    dash = client.get("/api/v1/statistics/dashboard").json()
    assert {f["key"] for f in dash["figures"]} >= {"grade_gender", "transfers", "children"}


@pytest.mark.parametrize("query, field", [
    ("by=grade,colour", "by"), ("status=在校", "status"), ("since=2026-13", "since"),
])
def test_bad_parameters_name_the_field(world, api_for, query, field):
    path = "changes" if "since" in query else "students"
    response = api_for(world.county_xd).get(f"/api/v1/statistics/{path}?{query}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
