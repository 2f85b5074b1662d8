"""第四十二条: registrar, leader and officer accounts are filed with the level above, which confirms them."""

from datetime import date

import pytest
from django.test import Client

from tests.api.conftest import Api, assert_error
from xueji.accounts.filing import confirm_filing, filing_status, filings_to_watch, submit_filing
from xueji.accounts.models import AccountFiling
from xueji.audit.models import AuditEvent
from xueji.core.errors import Conflict, Forbidden, NotFound, RuleViolation

FILING = {"holder_name": "李学籍", "post": "教务干事", "since": date(2025, 9, 1), "contact": "13835100009"}


def file(actor, username, **overrides):
    return submit_filing(actor, username, **{**FILING, **overrides})


def api(user):
    from xueji.accounts.services import issue_token

    return Api(Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user)[0]}"))


def test_registrar_files_himself_with_the_county_which_confirms(world):
    filing = file(world.registrar_a, "reg_a")
    assert filing.filed_with == world.xiaodian and filing.confirmed_at is None
    assert AuditEvent.objects.filter(actor=world.registrar_a, action="account.filing").exists()
    waiting = {a.username: filing_status(a) for a in filings_to_watch(world.county_xd, "unconfirmed")}
    assert waiting == {"reg_a": "unconfirmed"}
    confirm_filing(world.county_xd, filing.pk)
    assert AccountFiling.objects.get(pk=filing.pk).confirmed_by == world.county_xd
    assert [a.username for a in filings_to_watch(world.county_xd, "confirmed")] == ["reg_a"]


def test_the_list_of_the_level_above_names_the_unfiled_of_its_subtree(world):
    unfiled = {a.username for a in filings_to_watch(world.county_xd, "unfiled")}
    assert {"reg_a", "lead_a", "reg_a2"} <= unfiled
    assert "reg_b" not in unfiled and "xd" not in unfiled  # another county's school; his own account
    city = {a.username for a in filings_to_watch(world.city_ty, "unfiled")}
    assert {"xd", "yz", "reg_b", "reg_high"} <= city and "ty" not in city and "dt" not in city


def test_city_run_schools_and_county_officers_file_with_the_city(world):
    assert file(world.registrar_high, "reg_high").filed_with == world.taiyuan
    officer = file(world.county_xd, "xd", post="学籍科科长")
    assert officer.filed_with == world.taiyuan
    with pytest.raises(Forbidden):  # a peer at the same county is not the level above
        confirm_filing(world.county_xd, officer.pk)
    with pytest.raises(NotFound):  # another city
        confirm_filing(world.city_dt, officer.pk)
    confirm_filing(world.city_ty, officer.pk)


def test_a_change_is_a_new_row_and_the_old_one_stays(world):
    first = file(world.registrar_a, "reg_a")
    confirm_filing(world.county_xd, first.pk)
    trained = file(world.leader_a, "reg_a", trained=True, training_date=date(2026, 3, 1),
                   training_certificate="JX-2026-031", note="完成培训")
    assert AccountFiling.objects.filter(account=world.registrar_a).count() == 2
    first.refresh_from_db()
    assert first.confirmed_at is not None and not first.trained  # untouched
    assert [a.username for a in filings_to_watch(world.county_xd, "unconfirmed")] == ["reg_a"]
    with pytest.raises(Conflict):
        confirm_filing(world.county_xd, first.pk)
    confirm_filing(world.county_xd, trained.pk)


def test_filing_rules_cite_the_article(world):
    with pytest.raises(RuleViolation) as caught:
        file(world.registrar_a, "reg_a", holder_name=" ", trained=True)
    fields = {(v.field, v.article) for v in caught.value.violations}
    assert fields == {("holder_name", "第四十二条"), ("training_date", "第四十二条")}
    with pytest.raises(RuleViolation) as caught:
        file(world.province_officer, "sx")  # the province has no level above
    assert caught.value.violations[0].code == "filing_not_required"


def test_who_may_report_and_confirm(world):
    with pytest.raises(Forbidden):  # a registrar does not report his leader
        file(world.registrar_a, "lead_a")
    with pytest.raises(NotFound):  # another school's account is absent to him
        file(world.registrar_b, "reg_a")
    filing = file(world.registrar_a, "reg_a")
    for outsider in (world.county_yz, world.registrar_a, world.leader_a):
        with pytest.raises(NotFound):
            confirm_filing(outsider, filing.pk)
    assert AuditEvent.objects.filter(actor=world.county_yz, action="account.filing_confirm",
                                     outcome="denied").exists()


def test_api_files_lists_and_confirms(world):
    body = {**FILING, "since": "2025-09-01"}
    created = api(world.registrar_a).post("/auth/accounts/reg_a/filings", body)
    assert created.status_code == 201, created.content
    assert created.json()["filed_with"] == "140105" and created.json()["contact"] != "13835100009"  # masked
    listed = api(world.county_xd).get("/auth/filings", status="unconfirmed").json()
    assert [(i["username"], i["status"]) for i in listed["results"]] == [("reg_a", "unconfirmed")]
    confirmed = api(world.county_xd).post(f"/auth/filings/{created.json()['id']}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_by"] == "xd"
    history = api(world.registrar_a).get("/auth/accounts/reg_a/filings").json()
    assert [f["holder_name"] for f in history] == ["李学籍"]
    assert_error(api(world.registrar_a).post("/auth/accounts/reg_a/filings", {**body, "post": ""}), 422,
                 field="post", article="第四十二条")


def test_api_refuses_outsiders(world):
    filing = file(world.registrar_a, "reg_a")
    assert_error(api(world.county_yz).get("/auth/accounts/reg_a/filings"), 404)
    assert_error(api(world.registrar_b).post("/auth/accounts/reg_a/filings", {**FILING, "since": "2025-09-01"}), 404)
    assert_error(api(world.county_yz).post(f"/auth/filings/{filing.pk}/confirm"), 404)
    assert_error(api(world.registrar_a).get("/auth/filings"), 403)
    assert_error(api(world.auditor).get("/auth/filings"), 403)
    assert Client().get("/api/v1/auth/filings").status_code == 401


def test_pages_report_list_and_confirm(world, client_for):
    own = client_for(world.registrar_a)
    assert "报送备案" in own.get("/accounts/reg_a/").content.decode()
    form = {**FILING, "since": "2025-09-01", "trained": "1", "training_date": "2026-03-01"}
    assert own.post("/accounts/reg_a/filings/", form).status_code == 302
    refused = own.post("/accounts/reg_a/filings/", {**form, "since": "2025-13-01"})
    assert refused.status_code == 422 and "YYYY-MM-DD" in refused.content.decode()
    county = client_for(world.county_xd)
    page = county.get("/account-filings/?status=unconfirmed").content.decode()
    assert "reg_a" in page and "待确认" in page
    filing = AccountFiling.objects.get(account=world.registrar_a)
    assert county.post(f"/account-filings/{filing.pk}/confirm/").status_code == 302
    assert AccountFiling.objects.get(pk=filing.pk).confirmed_at is not None


def test_pages_refuse_outsiders(world, client_for):
    filing = file(world.registrar_a, "reg_a")
    assert client_for(world.county_yz).get("/accounts/reg_a/").status_code == 404
    assert client_for(world.registrar_b).get("/accounts/reg_a/").status_code == 404
    assert client_for(world.registrar_b).post("/accounts/reg_a/filings/", {}).status_code == 404
    assert client_for(world.county_yz).post(f"/account-filings/{filing.pk}/confirm/").status_code == 404
    assert client_for(world.registrar_a).get("/account-filings/").status_code == 403
    assert client_for(world.county_xd).post("/account-filings/x/confirm/").status_code == 404
    assert Client().get("/account-filings/").status_code == 302
