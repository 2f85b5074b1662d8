"""A G student number is "G" + the ID number (第十一条), so it is personal data like the ID: masked wherever the ID
is, revealed only with it under a recorded reason (第四十四条), never printed in a link. J and L numbers carry no ID
and stay whole. Search by the full number still finds the student.
"""

import datetime
import json
import re

import pytest
from django.test import Client

from tests.changes_ui.conftest import proof, walk
from tests.forms.conftest import page_text, read_pdf, require_pdf
from tests.web.conftest import text
from xueji.applications import services
from xueji.audit.models import AuditEvent
from xueji.core.masking import mask_id, mask_numbers_in_text, mask_student_number
from xueji.students.models import StudentNumber
from xueji.students.numbers import issue_number

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def registered(world, make_student):
    """A pupil registered through both approvals: the registry issued him G + his ID number."""
    student = make_student(name="高号码", grade=3)
    walk(services.submit(world.registrar_a, "registration", student), world.leader_a, world.county_xd)
    student.refresh_from_db()
    assert student.student_number == "G" + student.id_number
    return student


def masked(student) -> str:
    return "G" + mask_id(student.id_number)


def api(user) -> Client:
    from xueji.accounts.services import issue_token

    key, _ = issue_token(user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def no_full_number(student, content: str) -> bool:
    return student.student_number not in content and student.id_number not in content


# ------------------------------------------------------------------ the one masking function


def test_a_g_number_is_masked_in_the_id_s_own_shape_and_j_l_numbers_stay_whole():
    assert mask_student_number("G140105201503021234") == "G1401**********1234"
    assert mask_student_number("G14010520150302123X") == "G1401**********123X"
    assert mask_student_number("J140105201503020017") == "J140105201503020017"
    assert mask_student_number("L140105201503021234") == "L140105201503021234"
    assert mask_student_number(None) is None and mask_student_number("") == ""
    assert mask_numbers_in_text("注册通过,发放学籍号G140105201503021234") == "注册通过,发放学籍号G1401**********1234"
    assert mask_numbers_in_text("原学籍号J140105201503020017") == "原学籍号J140105201503020017"


# ------------------------------------------------------------------ pages


def test_the_list_masks_the_number_and_links_by_record_id(world, registered):
    page = text(web(world.county_xd).get("/students/", {"q": registered.name}))
    assert masked(registered) in page and no_full_number(registered, page)
    assert f'href="/students/{registered.pk}/"' in page


def test_search_by_the_full_g_number_still_finds_the_student(world, registered):
    page = text(web(world.county_xd).get("/students/", {"q": registered.student_number}))
    assert f'href="/students/{registered.pk}/"' in page and masked(registered) in page
    # The number the officer typed stays in his search box; no link or cell prints it.
    assert not re.search(rf"href=\"[^\"]*{registered.student_number}", page)
    body = api(world.county_xd).get(f"{API}/students", {"q": registered.student_number}).json()
    assert [i["id"] for i in body["results"]] == [registered.pk]
    assert body["results"][0]["student_number"] == masked(registered)


def test_the_school_home_page_masks_the_number(world, registered):
    page = text(web(world.registrar_a).get("/"))
    assert masked(registered) in page and no_full_number(registered, page)


def test_the_record_page_masks_the_number_by_full_number_or_by_id(world, registered):
    for key in (registered.pk, registered.student_number):
        response = web(world.county_xd).get(f"/students/{key}/")
        assert response.status_code == 200
        page = text(response)
        assert masked(registered) in page and no_full_number(registered, page)
        # The history ("注册通过,发放学籍号…") and the numbers table mask it too; links name the record id.
        assert f"/students/{registered.pk}/timeline/" in page


def test_the_timeline_page_and_api_mask_the_number(world, registered):
    page = text(web(world.registrar_a).get(f"/students/{registered.pk}/timeline/"))
    assert masked(registered) in page and no_full_number(registered, page)
    entries = api(world.registrar_a).get(f"{API}/students/{registered.student_number}/timeline").json()
    assert masked(registered) in json.dumps(entries, ensure_ascii=False)
    assert no_full_number(registered, json.dumps(entries))


def test_an_outsider_gets_404_by_full_number_and_by_id(world, registered):
    for key in (registered.pk, registered.student_number):
        response = web(world.registrar_b).get(f"/students/{key}/")
        assert response.status_code == 404 and no_full_number(registered, text(response))
        response = api(world.county_yz).get(f"{API}/students/{key}")
        assert response.status_code == 404 and no_full_number(registered, response.content.decode())


# ------------------------------------------------------------------ the API


def test_the_api_detail_list_and_events_mask_the_number(world, registered):
    client = api(world.county_xd)
    detail = client.get(f"{API}/students/{registered.student_number}")
    assert detail.status_code == 200 and detail.json()["student_number"] == masked(registered)
    assert client.get(f"{API}/students/{registered.pk}").json()["student_number"] == masked(registered)
    listed = client.get(f"{API}/students", {"school": world.school_a.pk}).json()["results"]
    assert [i["student_number"] for i in listed if i["id"] == registered.pk] == [masked(registered)]
    events = client.get(f"{API}/students/{registered.pk}/events")
    assert events.status_code == 200 and masked(registered) in json.dumps(events.json(), ensure_ascii=False)
    for response in (detail, events):
        assert no_full_number(registered, response.content.decode())


def test_an_earlier_g_number_is_masked_among_the_former_numbers(world, make_student):
    student = make_student(name="旧号码")
    issue_number(student, "G")
    StudentNumber.objects.filter(student=student).update(replaced_at=datetime.datetime.now(datetime.UTC))
    earlier = student.student_number
    student.student_number = None
    student.save()
    later = issue_number(student, "J").number
    body = api(world.registrar_a).get(f"{API}/students/{student.pk}").json()
    assert body["student_number"] == later and body["former_numbers"] == [mask_student_number(earlier)]


def test_the_openapi_says_the_number_is_masked_unless_revealed(world):
    schema = Client().get(f"{API}/openapi.json").json()
    summary = schema["components"]["schemas"]["StudentSummaryOut"]["properties"]["student_number"]
    assert "掩码" in summary["description"] and "第四十四条" in summary["description"]
    reveal = schema["components"]["schemas"]["RevealOut"]["properties"]
    assert "student_number" in reveal


# ------------------------------------------------------------------ revealing: both together, with a reason


def test_revealing_with_a_reason_shows_both_numbers_and_writes_one_audit_row(world, registered):
    response = web(world.county_xd).post(f"/students/{registered.pk}/reveal-id/", {"reason": "核对转学申请材料"},
                                         HTTP_HX_REQUEST="true")
    body = text(response)
    assert response.status_code == 200 and registered.id_number in body and registered.student_number in body
    # The page head's number is swapped in place as well (htmx out-of-band), so the two show together.
    assert 'id="student-number"' in body and 'hx-swap-oob="true"' in body
    event = AuditEvent.objects.get(actor=world.county_xd, action="student.unmask_id")
    assert event.reason == "核对转学申请材料" and event.outcome == "ok" and event.details["student_number"] is True

    page = text(web(world.county_xd).post(f"/students/{registered.pk}/reveal-id/", {"reason": "家长来电核对"}))
    assert registered.student_number in page and registered.id_number in page


def test_revealing_without_a_reason_is_refused_and_shows_neither(world, registered):
    response = web(world.county_xd).post(f"/students/{registered.pk}/reveal-id/", {"reason": " "})
    assert response.status_code == 422 and "第四十四条" in text(response)
    assert no_full_number(registered, text(response))
    refused = api(world.county_xd).post(f"{API}/students/{registered.pk}/reveal-id", {"reason": ""},
                                        content_type="application/json")
    assert refused.status_code == 422 and refused.json()["errors"][0]["article"] == "第四十四条"
    assert no_full_number(registered, refused.content.decode())
    assert not AuditEvent.objects.filter(action="student.unmask_id", outcome="ok").exists()


def test_the_api_reveals_both_numbers_with_a_reason(world, registered):
    response = api(world.county_xd).post(f"{API}/students/{registered.pk}/reveal-id", {"reason": "核对材料"},
                                         content_type="application/json")
    assert response.json() == {"id_number": registered.id_number, "student_number": registered.student_number}
    assert AuditEvent.objects.filter(actor=world.county_xd, action="student.unmask_id", reason="核对材料").exists()


def test_an_outsider_cannot_reveal_by_full_number(world, registered):
    response = api(world.registrar_b).post(f"{API}/students/{registered.student_number}/reveal-id",
                                           {"reason": "好奇"}, content_type="application/json")
    assert response.status_code == 404 and no_full_number(registered, response.content.decode())
    assert not AuditEvent.objects.filter(action="student.unmask_id", outcome="ok").exists()


# ------------------------------------------------------------------ J and L numbers


@pytest.mark.parametrize("kind", ["J", "L"])
def test_j_and_l_numbers_stay_whole_and_still_name_the_record(world, make_student, kind):
    student = make_student(name="无证号")
    number = issue_number(student, kind).number
    student.refresh_from_db()
    assert student.key == number
    page = text(web(world.county_xd).get(f"/students/{number}/"))
    assert number in page
    body = api(world.county_xd).get(f"{API}/students/{number}").json()
    assert body["student_number"] == number


# ------------------------------------------------------------------ applications and inbox


def test_applications_inbox_and_api_mask_the_number(world, registered):
    end = datetime.date.today() + datetime.timedelta(days=200)
    services.submit(world.registrar_a, "suspension", registered,
                    {"reason": "illness", "start": datetime.date.today().isoformat(), "end": end.isoformat(),
                     "hours_needed": 200, "term_hours": 500},
                    evidence=[proof("suspension_form"), proof("medical_county")])
    inbox = text(web(world.leader_a).get("/applications/inbox/"))
    assert registered.name in inbox and no_full_number(registered, inbox)
    listing = text(web(world.registrar_a).get("/applications/"))
    assert masked(registered) in listing and no_full_number(registered, listing)
    body = api(world.leader_a).get(f"{API}/applications", {"awaiting": "me"})
    items = body.json()["results"]
    assert items and items[0]["student"]["student_number"] == masked(registered)
    assert items[0]["student"]["key"] == str(registered.pk)
    assert no_full_number(registered, body.content.decode())
    detail = text(web(world.leader_a).get(f"/applications/{items[0]['id']}/"))
    assert masked(registered) in detail and no_full_number(registered, detail)


# ------------------------------------------------------------------ the audit page


def test_the_audit_page_masks_a_g_number_and_finds_the_rows_by_it(world, registered):
    # An outsider's attempt is logged under the key he typed: the full number.
    web(world.registrar_b).get(f"/students/{registered.student_number}/")
    web(world.county_xd).get(f"/students/{registered.pk}/")
    page = text(web(world.auditor).get("/audit/", {"object": registered.student_number}))
    assert masked(registered) in page
    assert not re.search(rf"<span class=\"mono\">{registered.student_number}</span>", page)
    # Rows logged under the record id are found by the number the auditor knows.
    assert f'<span class="mono">{registered.pk}</span>' in page


# ------------------------------------------------------------------ printed forms


def test_the_basic_info_pdf_masks_the_number_unless_a_reason_is_given(world, registered):
    require_pdf()
    officer = web(world.county_xd).get(f"/students/{registered.pk}/basic-info.pdf")
    assert officer.status_code == 200
    sheet = page_text(read_pdf(officer.content), 0)
    assert masked(registered) in sheet and registered.student_number not in sheet
    # The paper the family checks digit by digit carries the full ID, and so the full number, once the school
    # wrote why (第四十四条).
    school = web(world.registrar_a).get(f"/students/{registered.pk}/basic-info.pdf", {"reason": "家长到校核对"})
    assert registered.student_number in page_text(read_pdf(school.content), 0)
    assert registered.student_number not in officer.get("Content-Disposition", "")
