"""借读 pages: the host registrar's lookup → form, both schools' lists, the stay page with the record read-only,
the end button; outsiders refused."""

import pytest

from tests.visiting.conftest import form, identity
from xueji.applications import services as applications
from xueji.applications.models import Application
from xueji.visiting.models import VisitingStay

pytestmark = pytest.mark.django_db


def approved_stay(w, student, client_for) -> VisitingStay:
    response = client_for(w.registrar_b).post("/visiting/new/", {**form(student, w.host3), "stage": "submit"})
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.get(type="visiting")
    applications.approve(w.leader_b, application.pk)
    applications.approve(w.county_yz, application.pk)
    return VisitingStay.objects.get(application=application)


def test_lookup_then_form_files_and_lists_on_both_sides(people, enrolled, client_for):
    w = people
    student = enrolled()
    page = client_for(w.registrar_b).post("/visiting/new/", {**identity(student), "stage": "lookup"})
    assert page.status_code == 200 and 'data-testid="visiting-form"' in page.content.decode()
    stay = approved_stay(w, student, client_for)
    hosted = client_for(w.registrar_b).get("/visiting/").content.decode()
    assert student.name in hosted and f"/visiting/{stay.pk}/" in hosted
    home = client_for(w.registrar_a).get("/visiting/?side=home").content.decode()
    assert f"/visiting/{stay.pk}/" in home
    detail = client_for(w.registrar_b).get(f"/visiting/{stay.pk}/").content.decode()
    assert 'data-testid="stay-record"' in detail and 'data-testid="end-form"' in detail


def test_form_refusal_names_the_article(people, enrolled, client_for):
    w = people
    student = enrolled()
    response = client_for(w.registrar_b).post("/visiting/new/", {**form(student, w.host4), "stage": "submit"})
    assert response.status_code == 422
    assert "第二十六条" in response.content.decode()
    assert not Application.objects.exists()


def test_end_button_files_the_end(people, enrolled, client_for):
    w = people
    stay = approved_stay(w, enrolled(), client_for)
    response = client_for(w.registrar_a).post(f"/visiting/{stay.pk}/end/", {"end_reason": "finished"})
    assert response.status_code == 302
    end = Application.objects.get(type="visiting_end")
    applications.approve(w.leader_b, end.pk)
    stay.refresh_from_db()
    assert stay.ended_on is not None and stay.ended_by_id == end.pk


def test_outsiders_are_refused_on_pages(people, enrolled, client_for):
    w = people
    stay = approved_stay(w, enrolled(), client_for)
    assert client_for(w.county_pc).get(f"/visiting/{stay.pk}/").status_code == 404
    assert client_for(w.registrar_a2).get(f"/visiting/{stay.pk}/").status_code == 404
    assert client_for(w.registrar_a2).post(f"/visiting/{stay.pk}/end/", {"end_reason": "finished"}).status_code == 404
    assert client_for(w.auditor).get("/visiting/").status_code == 403
    assert client_for(w.leader_b).get("/visiting/new/").status_code == 403
