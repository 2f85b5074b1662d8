"""Each term the guardian confirms the record or reports named items as wrong (第四十三条); a report is work for
the registrar of that school only, who handles it with an information change or a note; the school sees who
confirmed."""

import pytest

from xueji.applications import services as applications
from xueji.audit.models import AuditEvent
from xueji.guardians.models import ErrorReport, TermCheck

pytestmark = pytest.mark.django_db

WRONG_NAME = {"errors": [{"field": "name", "correct_value": "张晓明", "note": "户口簿上是“晓”"}]}


def _report(gapi, guardian, child, body=None):
    return gapi(guardian).post(f"/guardian/children/{child.key}/report", body or WRONG_NAME)


def test_confirm_once_a_term(world, gapi, guardian, child, term):
    first = gapi(guardian).post(f"/guardian/children/{child.key}/confirm")
    assert first.status_code == 201, first.content
    assert first.json()["answer"] == "confirmed" and first.json()["term"] == term.number
    again = gapi(guardian).post(f"/guardian/children/{child.key}/confirm")
    assert again.status_code == 409 and again.json()["errors"][0]["article"] == "第四十三条"
    assert [c["term_answer"] for c in gapi(guardian).get("/guardian/children").json()] == ["confirmed"]


def test_no_term_set_refuses_with_the_article(world, gapi, guardian, child, term):
    term.delete()
    response = gapi(guardian).post(f"/guardian/children/{child.key}/confirm")
    assert response.status_code == 422 and response.json()["errors"][0]["code"] == "no_term"


def test_a_report_names_known_items(world, gapi, guardian, child):
    empty = _report(gapi, guardian, child, {"errors": []})
    assert empty.status_code == 422 and empty.json()["errors"][0]["article"] == "第四十三条"
    unknown = _report(gapi, guardian, child, {"errors": [{"field": "salary", "correct_value": "1"}]})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "errors[0].field"
    blank = _report(gapi, guardian, child, {"errors": [{"field": "phone"}]})
    assert blank.status_code == 422 and blank.json()["errors"][0]["code"] == "value_required"
    assert not TermCheck.objects.exists()


def test_a_report_is_work_for_that_schools_registrar_only(world, gapi, guardian, child):
    response = _report(gapi, guardian, child)
    assert response.status_code == 201 and response.json()["answer"] == "reported"
    listed = gapi(world.registrar_a).get(f"/schools/{world.school_a.pk}/guardian-reports").json()
    assert [(r["student_name"], r["field"], r["correct_value"], r["info_change"]) for r in listed] == [
        ("张小明", "name", "张晓明", True)]
    assert gapi(world.county_xd).get(f"/schools/{world.school_a.pk}/guardian-reports").status_code == 200
    assert gapi(world.registrar_b).get(f"/schools/{world.school_a.pk}/guardian-reports").status_code == 404
    assert gapi(world.registrar_b).get(f"/schools/{world.school_b.pk}/guardian-reports").json() == []
    assert gapi(guardian).get(f"/schools/{world.school_a.pk}/guardian-reports").status_code == 403


def test_the_reports_page_links_to_a_prefilled_info_change(world, client_for, gapi, guardian, child):
    _report(gapi, guardian, child)
    page = client_for(world.registrar_a).get(f"/schools/{world.school_a.pk}/guardian-reports/")
    text = page.content.decode()
    assert page.status_code == 200 and "张晓明" in text and "发起信息变更" in text
    link = page.context["rows"][0]["fix_url"]
    assert link.startswith(f"/students/{child.key}/info-change/?")
    form = client_for(world.registrar_a).get(link)
    assert form.context["values"]["name"] == "张晓明" and "家长反馈" in form.context["reason"]
    assert client_for(world.registrar_b).get(f"/schools/{world.school_a.pk}/guardian-reports/").status_code == 404


def test_the_registrar_handles_a_report_with_the_application(world, gapi, guardian, child, other_child):
    _report(gapi, guardian, child)
    report = ErrorReport.objects.get()
    application = applications.submit(world.registrar_a, "registration", child)
    elsewhere = applications.submit(world.registrar_a, "registration", other_child)
    path = f"/guardian-reports/{report.pk}/handle"
    assert gapi(world.registrar_a).post(path, {}).json()["errors"][0]["code"] == "note_required"
    assert gapi(world.registrar_a).post(path, {"application": elsewhere.pk}).status_code == 422
    assert gapi(world.leader_a).post(path, {"note": "已核对"}).status_code == 403
    assert gapi(world.registrar_b).post(path, {"note": "已核对"}).status_code == 404
    done = gapi(world.registrar_a).post(path, {"application": application.pk, "note": "已发起变更"})
    assert done.status_code == 200 and done.json()["application"] == application.pk
    assert gapi(world.registrar_a).post(path, {"note": "再次"}).status_code == 409
    assert gapi(world.registrar_a).get(f"/schools/{world.school_a.pk}/guardian-reports").json() == []
    assert AuditEvent.objects.filter(actor=world.registrar_a, action="guardian.report_handle", outcome="ok").count() == 1


def test_the_school_sees_who_confirmed_per_class(world, gapi, client_for, guardian, child, other_child):
    gapi(guardian).post(f"/guardian/children/{child.key}/confirm")
    body = gapi(world.registrar_a).get(f"/schools/{world.school_a.pk}/guardian-confirmations").json()
    klass = next(c for c in body["classes"] if c["class_id"] == world.class_a1.pk)
    assert (klass["seated"], klass["bound"], klass["confirmed"], klass["reported"], klass["unchecked"]) == (1, 1, 1, 0, 0)
    unplaced = next(c for c in body["classes"] if c["class_id"] is None)
    assert (unplaced["seated"], unplaced["confirmed"], unplaced["unchecked"]) == (1, 0, 1)
    assert [(c["student_name"], c["answer"]) for c in body["checks"]] == [("张小明", "confirmed")]
    page = client_for(world.leader_a).get(f"/schools/{world.school_a.pk}/guardian-confirmations/")
    assert page.status_code == 200 and "张小明" in page.content.decode()
    assert gapi(world.registrar_b).get(f"/schools/{world.school_a.pk}/guardian-confirmations").status_code == 404
    assert client_for(world.county_yz).get(f"/schools/{world.school_a.pk}/guardian-confirmations/").status_code == 404


def test_the_guardian_pages_confirm_and_report(world, client_for, guardian, child):
    client = client_for(guardian)
    posted = client.post(f"/guardian/children/{child.pk}/report/",
                         {"field-0": "phone", "correct_value-0": "13800000000", "note-0": ""})
    assert posted.status_code == 302
    assert ErrorReport.objects.get().field == "phone"
    page = client.get(f"/guardian/children/{child.pk}/").content.decode()
    assert "已报告本学期学籍信息有误" in page


def test_outsiders_are_refused_on_the_guardian_endpoints(world, gapi, client, client_for, guardian, child):
    for user in (world.registrar_a, world.county_xd):
        assert gapi(user).get("/guardian/children").status_code == 403
        assert gapi(user).get(f"/guardian/children/{child.key}").status_code == 404
        assert gapi(user).post(f"/guardian/children/{child.key}/confirm").status_code == 404
    assert gapi(None).get("/guardian/children").status_code == 401
    assert gapi(None).post(f"/students/{child.key}/guardian-code").status_code == 401
    assert client.get("/guardian/").status_code == 302
    assert client.get(f"/schools/{world.school_a.pk}/guardian-reports/").status_code == 302
    assert client_for(world.registrar_a).get(f"/guardian/children/{child.pk}/").status_code == 404


def test_a_report_joins_the_registrars_to_do_list_until_handled(world, gapi, guardian, child):
    _report(gapi, guardian, child)
    todo = gapi(world.registrar_a).get("/todo?kind=guardian_report").json()
    assert todo["count"] == 1 and todo["items"][0]["title"] == "家长反馈信息有误·张小明"
    assert gapi(world.registrar_b).get("/todo?kind=guardian_report").json()["count"] == 0
    report = ErrorReport.objects.get()
    gapi(world.registrar_a).post(f"/guardian-reports/{report.pk}/handle", {"note": "已核对更正"})
    assert gapi(world.registrar_a).get("/todo?kind=guardian_report").json()["count"] == 0
