"""POST/GET /api/v1/school-years/{year}/rollover: 202 with the job, progress and counts; the province only."""

import json

import pytest
from django.test import Client

from xueji.schoolyear import services
from xueji.schoolyear.models import Rollover

API = "/api/v1/school-years"


def post(client, path):
    return client.post(API + path, data=json.dumps({}), content_type="application/json")


def test_the_province_opens_the_year_with_202_and_follows_its_progress(world, year, pupil, api_for):
    pupil(3)
    pupil(3, status="休学")
    province = api_for(world.province_officer)
    response = post(province, f"/{year}/rollover")
    assert response.status_code == 202, response.content
    body = response.json()
    assert {"id", "status", "done", "total"} <= set(body) and body["status"] == "running"
    assert (body["done"], body["total"]) == (0, 2)
    services.run(body["id"])  # what the background thread does once the request's transaction commits
    progress = province.get(f"{API}/{year}/rollover").json()
    assert progress["status"] == "done" and progress["done"] == progress["total"] == 2
    assert (progress["promoted"], progress["kept_suspended"], progress["id"]) == (1, 1, body["id"])
    again = post(province, f"/{year}/rollover")
    assert again.status_code == 202 and again.json()["id"] == body["id"] and Rollover.objects.count() == 1


def test_a_year_that_is_not_next_is_422_naming_article_16(world, year, api_for):
    response = post(api_for(world.province_officer), f"/{year + 3}/rollover")
    assert response.status_code == 422
    assert response.json()["errors"][0]["article"] == "第十六条"


@pytest.mark.parametrize("who", ["county_xd", "city_ty", "registrar_a", "auditor"])
def test_others_may_neither_open_nor_follow_the_year(world, year, api_for, who):
    client = api_for(getattr(world, who))
    assert post(client, f"/{year}/rollover").status_code == 403
    assert client.get(f"{API}/{year}/rollover").status_code == 403
    assert not Rollover.objects.exists()


def test_anonymous_is_401_and_an_unopened_year_is_404(world, year, api_for):
    assert post(Client(), f"/{year}/rollover").status_code == 401
    assert api_for(world.province_officer).get(f"{API}/{year}/rollover").status_code == 404


def test_the_auditor_verifies_the_digest(world, year, pupil, api_for):
    pupil(2)
    services.run(services.open_year(world.province_officer, year).pk)
    response = post(api_for(world.auditor), f"/{year}/rollover/verify")
    assert response.status_code == 200 and response.json()["intact"] is True
    assert post(api_for(world.registrar_a), f"/{year}/rollover/verify").status_code == 403
