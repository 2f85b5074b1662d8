"""The pages of 第四十四条: filing and deciding, the roster download behind the gate, approved reading, the
register with its export; outsiders refused."""

import pytest

from tests.access.conftest import LATER, TODAY, scan
from tests.conftest import login_client
from xueji.access.models import AccessGrant, ConsultationEntry

pytestmark = pytest.mark.django_db
ROSTER = "/schools/1114010501/roster.xlsx"


def test_county_files_and_colleague_approves_in_writing_on_the_pages(people):
    filed = login_client(people.county_xd).post("/access/new/", {
        "use": "export", "scope_kind": "school", "school": "1114010501", "purpose": "核对学区入学数据",
        "requester_kind": "self", "valid_from": TODAY.isoformat(), "valid_until": LATER.isoformat()})
    assert filed.status_code == 302
    url = filed["Location"]
    approver = login_client(people.county_xd2)
    page = approver.get(url)
    assert page.status_code == 200 and "书面批准" in page.content.decode()
    pk = int(url.rstrip("/").split("/")[-1])
    without = approver.post(f"/access/applications/{pk}/decide/", {"action": "approve"})
    assert without.status_code == 422 and "第四十四条" in without.content.decode()
    done = approver.post(f"/access/applications/{pk}/decide/", {"action": "approve", "decision": scan()})
    assert done.status_code == 302 and AccessGrant.objects.filter(application_id=pk).exists()
    decided = approver.get(url).content.decode()
    assert "decision.pdf" in decided and "查阅批准#" in decided
    assert login_client(people.county_yz).get(url).status_code == 404
    # The engine's own detail page sends a scoped application to this one.
    assert approver.get(f"/applications/{pk}/")["Location"] == url


def test_auditor_may_not_file(people):
    assert login_client(people.auditor).post("/access/new/", {"use": "export"}).status_code == 403


def test_refused_filing_shows_the_fields_in_chinese(people):
    response = login_client(people.county_xd).post("/access/new/", {"use": "export", "scope_kind": "school",
                                                                    "school": "", "purpose": ""})
    assert response.status_code == 422 and "学校标识码" in response.content.decode()


def test_roster_download_own_school_refused_to_county_without_grant(people, enrolled, granted):
    enrolled()
    own = login_client(people.registrar_a).get(ROSTER)
    assert own.status_code == 200 and own["Content-Type"].startswith("application/vnd.openxmlformats")
    refused = login_client(people.county_xd).get(ROSTER)
    assert refused.status_code == 422 and "第四十四条" in refused.content.decode()
    granted()
    assert login_client(people.county_xd).get(ROSTER).status_code == 200
    assert list(ConsultationEntry.objects.order_by("id").values_list("basis", "outcome")) == [
        ("daily", "ok"), ("none", "denied"), ("grant", "ok")]


def test_roster_download_is_404_for_outsiders(people):
    for who in (people.registrar_b, people.county_yz, people.city_dt):
        assert login_client(who).get(ROSTER).status_code == 404


def test_school_page_offers_the_roster_button(people):
    page = login_client(people.registrar_a).get("/schools/1114010501/")
    assert 'data-testid="roster-export"' in page.content.decode()


def test_approved_reading_lists_the_grants_students_and_registers_each_read(people, enrolled, granted):
    named = enrolled()
    grant = granted(actor=people.county_yz, scope_kind="students", school=None,
                    students=[named.student_number], use="view")
    client = login_client(people.county_yz)
    assert f"/access/grants/{grant.pk}/" in client.get("/access/").content.decode()
    listing = client.get(f"/access/grants/{grant.pk}/").content.decode()
    assert named.name in listing
    record = client.get(f"/access/grants/{grant.pk}/students/{named.key}/")
    assert record.status_code == 200 and named.id_number in record.content.decode()
    assert ConsultationEntry.objects.filter(username="yz", student=named, grant=grant).count() == 1
    assert login_client(people.registrar_b).get(f"/access/grants/{grant.pk}/").status_code == 404
    assert login_client(people.registrar_b).get(f"/access/grants/{grant.pk}/students/{named.key}/").status_code == 404


def test_register_page_for_auditor_with_filter_and_export(people, enrolled):
    enrolled()
    login_client(people.county_xd).get(ROSTER)
    auditor = login_client(people.auditor)
    page = auditor.get("/access/register/", {"user": "xd"})
    assert page.status_code == 200 and "在校生分班名册" in page.content.decode()
    export = auditor.get("/access/register/", {"user": "xd", "format": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_register_page_refused_to_schools_and_anonymous(people, client):
    assert login_client(people.registrar_a).get("/access/register/").status_code == 403
    assert client.get("/access/register/").status_code == 302  # to the log-in page
    assert client.get(ROSTER).status_code == 302


def test_engine_pages_list_a_scoped_application(people):
    from tests.access.conftest import request_for

    request_for(people.county_xd)
    approver = login_client(people.county_xd2)
    inbox = approver.get("/applications/inbox/")
    assert inbox.status_code == 200 and "坞城路小学" in inbox.content.decode()
    assert login_client(people.county_xd).get("/applications/").status_code == 200
