"""The 毕业生花名册 (附件5) with full ID numbers: the reason travels in a POST body, never in a URL, and the release
goes through the 第四十四条 gate (the school's own staff: daily work; anyone else: a live grant)."""

import io

import pytest
from openpyxl import load_workbook

from tests import factories as f
from tests.access.conftest import request_for, scan
from xueji.access import services as access
from xueji.access.models import ConsultationEntry
from xueji.graduation import services

API = "/api/v1"


@pytest.fixture
def batch(people, enrolled, clock):
    pupil = enrolled(grade=6)
    return services.propose(people.registrar_a, people.school_a.pk, [pupil.student_number]), pupil


def _post_roster(client, batch, **body):
    return client.post(f"{API}/graduation/batches/{batch}/roster", body, content_type="application/json")


def _ids_in(response) -> list:
    return [c.value for c in load_workbook(io.BytesIO(response.content)).active[3]]


def test_the_schools_registrar_reveals_by_post_as_daily_work(people, batch, api_for):
    name, pupil = batch
    response = _post_roster(api_for(people.registrar_a), name, format="xlsx", reason="核对毕业证书")
    assert response.status_code == 200 and pupil.id_number in _ids_in(response)
    entry = ConsultationEntry.objects.get(what__startswith="毕业生花名册(附件5)")
    assert (entry.outcome, entry.basis, entry.student_count) == ("ok", "daily", 1)
    masked = _post_roster(api_for(people.registrar_a), name, format="xlsx")
    assert masked.status_code == 200 and pupil.id_number not in _ids_in(masked)


def test_a_county_officer_without_a_grant_is_refused_with_article_44(people, batch, api_for):
    name, pupil = batch
    county = api_for(people.county_xd)
    refused = _post_roster(county, name, format="xlsx", reason="核对毕业证书")
    assert refused.status_code == 422
    assert (refused.json()["errors"][0]["code"], refused.json()["errors"][0]["article"]) == ("access_not_granted",
                                                                                          "第四十四条")
    # The query-string form is gated the same way, and the refusal is in the consultation register.
    assert county.get(f"{API}/graduation/batches/{name}/roster?format=xlsx&reason=核对").status_code == 422
    assert ConsultationEntry.objects.filter(outcome="denied", user=people.county_xd).count() == 2
    masked = _post_roster(county, name, format="xlsx")  # the masked roster stays his to read
    assert masked.status_code == 200 and pupil.id_number not in _ids_in(masked)


def test_a_county_officer_with_a_grant_of_the_school_gets_the_full_ids(people, batch, api_for):
    name, pupil = batch
    application = request_for(people.county_xd, valid_from="2027-05-10", valid_until="2027-06-30")
    access.decide(f.user("xd2", "county", division=people.xiaodian), application.pk, approve=True, comment="同意",
                  scan=scan())
    response = _post_roster(api_for(people.county_xd), name, format="xlsx", reason="核对毕业证书")
    assert response.status_code == 200, response.content.decode()
    assert pupil.id_number in _ids_in(response)
    assert ConsultationEntry.objects.get(user=people.county_xd).basis == "grant"


def test_the_page_reveals_only_on_a_post(people, batch, client_for):
    name, pupil = batch
    client = client_for(people.registrar_a)
    url = f"/graduation/batches/{name}/roster/"
    page = client.get(f"{url}?reason=核对毕业证书").content.decode()
    assert pupil.id_number not in page and 'method="post"' in page and "?reason=" not in page
    page = client.post(url, {"reason": "核对毕业证书"}).content.decode()
    assert pupil.id_number in page and "reason=" not in page.split("<form")[0]
    download = client.post(url, {"reason": "核对毕业证书", "format": "xlsx"})
    assert download.status_code == 200 and pupil.id_number in _ids_in(download)


def test_the_page_shows_the_county_whole_numbers_but_its_file_needs_a_grant(people, batch, client_for, api_for):
    """Reading on the page is the authority's daily work; taking a file away is a release (第四十四条)."""
    name, pupil = batch
    url = f"/graduation/batches/{name}/roster/"
    county = client_for(people.county_xd)
    assert pupil.id_number in county.post(url, {"reason": "核对毕业证书"}).content.decode()
    body = county.post(url, {"reason": "核对毕业证书", "format": "xlsx"}, follow=True).content.decode()
    assert "第四十四条" in body and pupil.id_number not in body
    for outsider in (people.county_yz, people.registrar_b):
        assert client_for(outsider).post(url, {"reason": "核对"}).status_code == 404
        assert _post_roster(api_for(outsider), name, reason="核对").status_code == 404
    assert sorted(ConsultationEntry.objects.values_list("use", "outcome")) == [("export", "denied"), ("view", "ok")]
