"""The registers' pages: linked from the school page, masked on a GET, revealed on a POST with a reason, downloads
of what the page shows, a PDF that renders, and outsiders refused."""

import pytest

from tests import factories as f
from xueji.forms import pdf

from .conftest import sheet_rows


def test_the_school_page_links_to_each_register(world, client_for):
    client = client_for(world.registrar_a)
    school_page = client.get(f"/schools/{world.school_a.pk}/").content.decode()
    assert f"/schools/{world.school_a.pk}/registers/" in school_page
    index = client.get(f"/schools/{world.school_a.pk}/registers/")
    assert index.status_code == 200
    for kind in ("school", "campuses", "movements", "admissions"):
        assert f"/schools/{world.school_a.pk}/registers/{kind}/" in index.content.decode()
        assert client.get(f"/schools/{world.school_a.pk}/registers/{kind}/").status_code == 200


def test_whole_numbers_only_on_a_post_with_a_reason(world, registered, client_for):
    pupil = registered()
    client = client_for(world.registrar_a)
    url = f"/schools/{world.school_a.pk}/registers/admissions/"
    assert pupil.id_number not in client.get(url).content.decode()
    shown = client.post(url, {"reason": "核对新生名单"}).content.decode()
    assert pupil.id_number in shown
    download = client.post(url, {"reason": "核对新生名单", "format": "xlsx"})
    assert pupil.id_number in str(sheet_rows(download))


def test_a_bad_period_on_the_page_says_what_to_write(world, client_for):
    response = client_for(world.registrar_a).get(f"/schools/{world.school_a.pk}/registers/movements/?term=秋季")
    assert response.status_code == 422 and "2026-1" in response.content.decode()


def test_outsiders_are_refused(world, client_for):
    guardian = f.user("g_reg", "guardian")
    for outsider in (world.registrar_b, world.county_yz, guardian):
        client = client_for(outsider)
        assert client.get(f"/schools/{world.school_a.pk}/registers/").status_code in (403, 404)
        assert client.get(f"/schools/{world.school_a.pk}/registers/movements/").status_code in (403, 404)
        assert client.get(f"/schools/{world.school_a.pk}/registers/info/").status_code in (403, 404)
    assert client_for(world.leader_a).get(f"/schools/{world.school_a.pk}/registers/info/").status_code == 403


def test_each_register_prints_as_a_pdf(world, registered, client_for):
    ok, why = pdf.available()
    if not ok:
        pytest.skip(why)
    registered(name="王小明")
    client = client_for(world.registrar_a)
    for kind in ("school", "movements"):
        response = client.get(f"/schools/{world.school_a.pk}/registers/{kind}/?format=pdf")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
