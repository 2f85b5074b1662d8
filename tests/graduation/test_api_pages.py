"""The graduation API (POST /api/v1/applications type graduation, /api/v1/graduation/...) and pages: the allowed
case, the refusal with its article, and outsiders (another county, another school, Datong, anonymous) refused."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from xueji.certificates.models import Certificate
from xueji.graduation import roster, services

API = "/api/v1"


def _post(client, path, body):
    return client.post(f"{API}{path}", body, content_type="application/json")


def _propose(api_for, w, students, school=None, actor=None):
    return _post(api_for(actor or w.registrar_a), "/applications",
                 {"type": "graduation", "school": (school or w.school_a).pk,
                  "students": [s.student_number for s in students]})


def test_api_files_a_batch_and_the_county_approves_with_an_exclusion(people, enrolled, clock, api_for):
    w = people
    one, two = enrolled(grade=6), enrolled(grade=6)
    response = _propose(api_for, w, [one, two])
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["type"] == "graduation" and body["count"] == 2
    assert [(s["role"], s["org"]) for s in body["steps"]] == [("leader", w.school_a.pk), ("county", "140105")]
    batch = body["id"]
    assert _post(api_for(w.leader_a), f"/graduation/batches/{batch}/approve", {}).status_code == 200
    answer = _post(api_for(w.county_xd), f"/graduation/batches/{batch}/approve",
                   {"exclude": [two.student_number], "comment": "同意"})
    assert answer.status_code == 200 and answer.json()["graduated"] == 1
    read = api_for(w.county_xd).get(f"{API}/graduation/batches/{batch}").json()
    assert sorted(s["record_status"] for s in read["students"]) == ["在籍", "毕业"]
    refused = _post(api_for(w.county_xd), f"/graduation/batches/{batch}/reject", {"students": [two.student_number]})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "comment"


def test_api_refuses_a_non_final_grade_with_article_34(people, enrolled, clock, api_for):
    w = people
    response = _propose(api_for, w, [enrolled(grade=4)])
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert (error["code"], error["article"], error["field"]) == ("graduation_not_final_grade", "第三十四条",
                                                                 "students[0]")


def test_api_filing_outsiders(people, enrolled, clock, api_for, client):
    w = people
    pupil = enrolled(grade=6)
    assert _propose(api_for, w, [pupil], actor=w.registrar_b).status_code == 404
    assert _propose(api_for, w, [pupil], actor=w.county_xd).status_code == 403
    bad = _post(api_for(w.registrar_a), "/applications", {"type": "graduation", "school": w.school_a.pk,
                                                          "students": "x"})
    assert bad.status_code == 400
    assert _post(client, "/applications", {"type": "graduation", "school": w.school_a.pk,
                                           "students": [pupil.student_number]}).status_code == 401


def test_api_batch_outsiders(people, enrolled, clock, api_for, client):
    w = people
    batch = services.propose(w.registrar_a, w.school_a.pk, [enrolled(grade=6).student_number])
    for outsider in (w.county_yz, w.city_dt, w.registrar_b):
        api = api_for(outsider)
        assert api.get(f"{API}/graduation/batches/{batch}").status_code == 404
        assert _post(api, f"/graduation/batches/{batch}/approve", {}).status_code == 404
        assert api.get(f"{API}/graduation/batches/{batch}/roster").status_code == 404
    assert client.get(f"{API}/graduation/batches/{batch}").status_code == 401
    assert api_for(w.county_yz).get(f"{API}/graduation/batches").json() == []


def test_api_sealing_once_and_by_the_deadline(people, enrolled, clock, api_for):
    w = people
    senior = enrolled(school=w.high, grade=12)
    batch = services.propose(w.registrar_high, w.high.pk, [senior.student_number])
    services.decide(w.leader_high, batch, approve=True)
    services.decide(w.city_ty, batch, approve=True)
    assert _post(api_for(w.county_xd), "/graduation/sealings", {}).status_code == 403
    clock(datetime.date(2027, 6, 1))
    late = _post(api_for(w.city_ty), "/graduation/sealings", {"school_year": 2026})
    assert late.status_code == 422 and late.json()["errors"][0]["article"] == "第三十六条"
    clock(datetime.date(2027, 5, 31))
    done = _post(api_for(w.city_ty), "/graduation/sealings", {})
    assert done.status_code == 201 and done.json()["count"] == 1
    again = _post(api_for(w.city_ty), "/graduation/sealings", {})
    assert again.status_code == 422 and again.json()["errors"][0]["code"] == "sealing_already_done"
    assert api_for(w.city_dt).get(f"{API}/graduation/sealings").json() == []


def test_roster_xlsx_masks_ids_and_keeps_text(people, enrolled, clock, api_for):
    w = people
    pupil = enrolled(grade=6)
    batch = services.propose(w.registrar_a, w.school_a.pk, [pupil.student_number])
    services.decide(w.leader_a, batch, approve=True)
    services.decide(w.county_xd, batch, approve=True)
    response = api_for(w.county_xd).get(f"{API}/graduation/batches/{batch}/roster?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[2]]
    row = {h: c for h, c in zip(header, sheet[3], strict=True)}
    assert row["身份证件号"].value != pupil.id_number and "*" in row["身份证件号"].value
    assert row["身份证件号"].number_format == "@"
    assert row["毕业证书编号"].value == Certificate.objects.get(student=pupil).number
    revealed = api_for(w.registrar_a).get(f"{API}/graduation/batches/{batch}/roster?format=xlsx&reason=核对毕业证书")
    sheet = load_workbook(io.BytesIO(revealed.content)).active
    assert pupil.id_number in [c.value for c in sheet[3]]


def test_whole_numbers_in_a_roster_file_outside_the_school_need_a_grant(people, enrolled, clock, api_for,
                                                                        client_for):
    """第四十四条: the county reads whole numbers on the page (daily work) but a file of them needs a grant; the
    refusal and both uses land in the consultation register."""
    from xueji.access.models import ConsultationEntry

    w = people
    pupil = enrolled(grade=6)
    batch = services.propose(w.registrar_a, w.school_a.pk, [pupil.student_number])
    services.decide(w.leader_a, batch, approve=True)
    refused = api_for(w.county_xd).get(f"{API}/graduation/batches/{batch}/roster?format=xlsx&reason=核对毕业证书")
    assert refused.status_code == 422 and refused.json()["errors"][0]["article"] == "第四十四条"
    page = client_for(w.county_xd).post(f"/graduation/batches/{batch}/roster/", {"reason": "核对毕业证书"})
    assert page.status_code == 200 and pupil.id_number in page.content.decode()
    masked = client_for(w.county_xd).get(f"/graduation/batches/{batch}/roster/")
    assert pupil.id_number not in masked.content.decode()
    entries = ConsultationEntry.objects.filter(username=w.county_xd.username, what__contains="毕业生花名册")
    assert sorted(entries.values_list("use", "outcome")) == [("export", "denied"), ("view", "ok")]


def test_formula_looking_cells_stay_text():
    from types import SimpleNamespace

    data = {"school": SimpleNamespace(name="=HYPERLINK(1)"), "school_year": 2026, "columns": roster.COLUMNS,
            "rows": [["1", "@x", "男", "2010-01-01", "1401**********1234", "", "1班", "2016-09", "-1", ""]]}
    sheet = load_workbook(io.BytesIO(roster.xlsx(data))).active
    assert sheet["A1"].value.startswith("=HYPERLINK(1)") and sheet["A1"].data_type == "s"
    assert (sheet["B3"].value, sheet["B3"].data_type, sheet["I3"].value) == ("@x", "s", "-1")


def test_roster_pdf(people, enrolled, clock, api_for):
    from xueji.forms import pdf

    ok, why = pdf.available()
    if not ok:
        pytest.skip(why)
    w = people
    batch = services.propose(w.registrar_a, w.school_a.pk, [enrolled(grade=6).student_number])
    response = api_for(w.registrar_a).get(f"{API}/graduation/batches/{batch}/roster?format=pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


# ---------------------------------------------------------------- pages


def test_propose_page_ticks_only_the_opened_class(people, enrolled, clock, client_for):
    w = people
    in_class = enrolled(grade=6, school_class=w.class_a6.pk)
    other = enrolled(grade=6)
    client = client_for(w.registrar_a)
    html = client.get(f"/graduation/propose/?class={w.class_a6.pk}").content.decode()
    assert f'value="{in_class.pk}" checked' in html and f'value="{other.pk}" checked' not in html
    response = client.post("/graduation/propose/", {"students": [in_class.pk]})
    assert response.status_code == 302
    batch = response["Location"].rstrip("/").split("/")[-1]
    assert client_for(w.leader_a).post(f"/graduation/batches/{batch}/decide/",
                                       {"action": "approve_all"}).status_code == 302
    county = client_for(w.county_xd)
    assert "全部同意" in county.get(f"/graduation/batches/{batch}/").content.decode()
    county.post(f"/graduation/batches/{batch}/decide/", {"action": "approve_selected", "students": [in_class.pk]})
    in_class.refresh_from_db()
    assert in_class.status == "毕业"
    assert county.get(f"/graduation/batches/{batch}/roster/").status_code == 200


def test_propose_page_shows_the_refusal(people, enrolled, clock, client_for):
    w = people
    pupil = enrolled(grade=6)
    pupil.status = "休学"
    pupil.save(update_fields=["status"])
    response = client_for(w.registrar_a).post("/graduation/propose/", {"students": [pupil.pk]})
    assert response.status_code == 200 and "第三十四条" in response.content.decode()


def test_pages_refuse_outsiders(people, enrolled, clock, client_for, client):
    w = people
    batch = services.propose(w.registrar_a, w.school_a.pk, [enrolled(grade=6).student_number])
    for outsider in (w.county_yz, w.city_dt, w.registrar_b):
        c = client_for(outsider)
        assert c.get(f"/graduation/batches/{batch}/").status_code == 404
        assert c.get(f"/graduation/batches/{batch}/roster/").status_code == 404
        assert c.post(f"/graduation/batches/{batch}/decide/", {"action": "approve_all"}).status_code == 404
    assert client_for(w.county_xd).get("/graduation/propose/").status_code == 403
    assert client_for(w.county_xd).get("/graduation/sealing/").status_code == 403
    assert client_for(w.auditor).get("/graduation/").status_code == 403
    assert client.get(f"/graduation/batches/{batch}/").status_code == 302  # anonymous: to the log-in page
    assert client.get("/graduation/").status_code == 302


def test_sealing_page(people, enrolled, clock, client_for):
    w = people
    senior = enrolled(school=w.high, grade=12)
    batch = services.propose(w.registrar_high, w.high.pk, [senior.student_number])
    services.decide(w.leader_high, batch, approve=True)
    services.decide(w.city_ty, batch, approve=True)
    city = client_for(w.city_ty)
    assert "已核准待验印:<strong>1</strong>" in city.get("/graduation/sealing/").content.decode()
    assert city.post("/graduation/sealing/").status_code == 302
    senior.refresh_from_db()
    assert senior.status == "毕业"
    assert "第三十六条" in city.post("/graduation/sealing/").content.decode()
    assert client_for(w.city_ty).get("/graduation/").status_code == 200
