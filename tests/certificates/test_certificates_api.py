"""The certificates API: filing through POST /api/v1/applications, GET /students/{key}/certificates, the PDFs
and the school's register; every outsider refused."""

import io

from django.test import Client
from openpyxl import load_workbook

from tests.api.conftest import assert_error
from tests.forms.conftest import page_text, read_pdf, require_pdf

from .conftest import walk

API = "/api/v1"


def test_completion_and_incomplete_filed_through_the_applications_endpoint(people, enrolled, api_for, credits_short):
    w = people
    api = api_for(w.registrar_high)
    student = enrolled(12)
    response = api.post(f"{API}/applications", {"type": "completion", "student": student.student_number},
                        content_type="application/json")
    assert response.status_code == 201, response.content.decode()
    assert response.json()["type"] == "completion" and response.json()["steps"][0]["role"] == "leader"
    # A junior-high pupil gets no 肄业 certificate: 422 naming the article.
    pupil = enrolled(8, school=w.school_a2, name="李四")
    response = api_for(w.registrar_a2).post(f"{API}/applications", {"type": "incomplete", "student": pupil.student_number},
                                            content_type="application/json")
    assert_error(response, 422, code="leaving_not_senior", article="第三十七条")


def test_student_certificates_lists_kind_number_and_seal(people, completed, api_for):
    w = people
    original = completed()
    from xueji.applications import services

    walk(services.submit(w.registrar_high, "education_proof", original.student, {"certificate": original.number}),
         w.city_ty)
    url = f"{API}/students/{original.student.key}/certificates"
    for reader in (w.registrar_high, w.leader_high, w.city_ty, w.province_officer):
        response = api_for(reader).get(url)
        assert response.status_code == 200, response.content.decode()
    rows = response.json()
    assert [r["kind"] for r in rows] == ["结业", "学历证明"]
    assert rows[0]["number"] == original.number and rows[0]["sealed_on"] is None and rows[0]["stub_archived"]
    assert rows[1]["proves"] == original.number and rows[1]["sealed_on"] and rows[1]["effective"]
    for outsider in (w.registrar_a, w.county_xd, w.county_yz, w.city_dt, w.auditor):
        assert_error(api_for(outsider).get(url), 404)
    assert Client().get(url).status_code == 401


def test_a_certificate_prints_its_rare_name_and_number_as_text(people, completed, api_for):
    require_pdf()
    w = people
    cert = completed(name="王㛃䶮")
    url = f"{API}/certificates/{cert.number}.pdf"
    response = api_for(w.registrar_high).get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    text = page_text(read_pdf(response.content), 0)
    assert "王㛃䶮" in text and cert.number in text and "结业证书存根" in text and "准予结业" in text
    for outsider in (w.registrar_a, w.county_xd, w.city_dt, w.auditor):
        assert_error(api_for(outsider).get(url), 404)
    assert Client().get(url).status_code == 401


def test_batch_pdf_of_a_school_year_for_the_school_and_its_authority(people, completed, api_for):
    require_pdf()
    w = people
    certs = [completed(name=name) for name in ("赵㛃", "钱䶮", "孙小明")]
    url = f"{API}/schools/{w.high.pk}/certificates.pdf?year={certs[0].school_year}"
    for reader in (w.leader_high, w.city_ty):
        response = api_for(reader).get(url)
        assert response.status_code == 200, response.content[:300]
    pdf = read_pdf(response.content)
    assert len(pdf.pages) == 3 and response["X-Xueji-Students"] == "3"
    texts = [page_text(pdf, i) for i in range(3)]
    for cert, text in zip(certs, texts, strict=True):
        assert cert.student.name in text and cert.number in text
    for outsider in (w.registrar_a, w.county_xd, w.city_dt, w.auditor):
        assert_error(api_for(outsider).get(url), 404)
    empty = f"{API}/schools/{w.high.pk}/certificates.pdf?year=2001"
    assert_error(api_for(w.city_ty).get(empty), 422, code="no_certificates")


def test_school_register_json_and_xlsx(people, completed, api_for):
    w = people
    cert = completed()
    url = f"{API}/schools/{w.high.pk}/certificates"
    rows = api_for(w.registrar_high).get(url).json()
    assert [(r["number"], r["kind"], r["student_name"]) for r in rows] == [(cert.number, "结业", cert.student.name)]
    response = api_for(w.city_ty).get(url + "?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][0] == "证书编号" and values[2][0] == cert.number
    assert values[2][4] != cert.student.student_number and values[2][4].endswith(cert.student.student_number[-4:])
    for outsider in (w.registrar_a, w.county_xd, w.city_dt, w.auditor):
        assert_error(api_for(outsider).get(url), 404)
        assert_error(api_for(outsider).get(url + "?format=xlsx"), 404)


def test_spreadsheet_cells_that_look_like_formulas_stay_text():
    from xueji.core.spreadsheets import ALL, xlsx_bytes

    sheet = load_workbook(io.BytesIO(xlsx_bytes("证书存根登记", ["a", "b"], [['=HYPERLINK("x")', "-1"]],
                                                text_columns=ALL))).active
    assert [(c.value, c.data_type) for c in sheet[2]] == [('=HYPERLINK("x")', "s"), ("-1", "s")]
