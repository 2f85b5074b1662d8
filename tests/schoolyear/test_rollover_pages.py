"""The province officer's 学年升级 pages: start with confirmation, progress (htmx), counts; refused to others."""

import pytest
from django.test import Client

from tests.web.conftest import text
from xueji.schoolyear import services
from xueji.schoolyear.models import Rollover


def test_the_province_opens_the_year_after_confirming(world, year, pupil, client_for):
    kid = pupil(3)
    client = client_for(world.province_officer)
    index = client.get("/school-years/")
    assert index.status_code == 200 and f'value="{year}"' in text(index) and "/school-years/" in text(index)
    unconfirmed = client.post("/school-years/start/", {"year": str(year)})
    assert unconfirmed.status_code == 422 and not Rollover.objects.exists()
    response = client.post("/school-years/start/", {"year": str(year), "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == f"/school-years/{year}/"
    running = client.get(f"/school-years/{year}/progress/")
    assert running.status_code == 200 and "hx-trigger" in text(running)
    services.run(Rollover.objects.get().pk)
    done = client.get(f"/school-years/{year}/")
    assert done.status_code == 200 and "已完成" in text(done) and "hx-trigger" not in text(done)
    verified = client.post(f"/school-years/{year}/verify/", follow=True)
    assert "核验通过" in text(verified)
    record = client_for(world.registrar_a).get(f"/students/{kid.key}/")
    assert record.status_code == 200 and "升级" in text(record) and "第十六条" in text(record)


def test_a_refused_year_shows_the_article(world, client_for):
    response = client_for(world.province_officer).post("/school-years/start/", {"year": "2099", "confirm": "1"})
    assert response.status_code == 422 and "第十六条" in text(response)


@pytest.mark.parametrize("who", ["county_xd", "registrar_a", "auditor"])
def test_the_pages_are_refused_to_others(world, year, client_for, who):
    client = client_for(getattr(world, who))
    assert client.get("/school-years/").status_code == 403
    assert client.post("/school-years/start/", {"year": str(year), "confirm": "1"}).status_code == 403
    assert not Rollover.objects.exists()


def test_anonymous_is_sent_to_log_in(world):
    response = Client().get("/school-years/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_progress_card_reloads_the_page_once_the_run_is_done(world, year, pupil, client_for):
    # Only the card is polled: when the run ends, htmx reloads the page so its head (已完成), the digest and the
    # verify button appear; a plain GET of the card (no htmx) is not told to reload.
    pupil(3)
    client = client_for(world.province_officer)
    job = services.open_year(world.province_officer, year)
    running = client.get(f"/school-years/{year}/progress/", HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in running and 'data-testid="resume"' in text(running)  # no process runs it
    services.run(job.pk)
    done = client.get(f"/school-years/{year}/progress/", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true" and "hx-trigger" not in text(done)
    assert "HX-Refresh" not in client.get(f"/school-years/{year}/progress/")
    page = text(client.get(f"/school-years/{year}/"))
    assert "核验升级记录" in page and 'data-testid="resume"' not in page
