"""Pages: the certificates section of the student page, the start forms, the school's register with .xlsx and
the batch PDF, one certificate's PDF, and the authority's form for a further 学历证明."""

from django.test import Client
from django.urls import reverse

from tests.forms.conftest import require_pdf
from xueji.applications.models import Application
from xueji.certificates.models import Certificate

from .conftest import walk


def test_student_page_shows_the_certificates_and_the_no_reissue_rule(people, completed, client_for):
    w = people
    cert = completed()
    record = client_for(w.registrar_high).get(f"/students/{cert.student.key}/").content.decode()
    assert f'href="/students/{cert.student.key}/archive/"' in record  # the archive page holds the certificates
    page = client_for(w.registrar_high).get(f"/students/{cert.student.key}/archive/")
    text = page.content.decode()
    assert page.status_code == 200 and 'data-testid="certificates-section"' in text
    assert cert.number in text and "一律不补发" in text and "再次出具学历证明" not in text
    # The sealing authority sees its way to a further 学历证明.
    assert "再次出具学历证明" in client_for(w.city_ty).get(f"/students/{cert.student.key}/archive/").content.decode()


def test_start_forms_in_the_change_menu(people, enrolled, completed, client_for):
    w = people
    registrar = client_for(w.registrar_high)
    student = enrolled(12)
    menu = registrar.get(f"/students/{student.key}/changes/").content.decode()
    assert "结业" in menu and "肄业" in menu
    form = registrar.get(f"/students/{student.key}/changes/incomplete/")
    assert form.status_code == 200 and "第三十七条" in form.content.decode()
    response = registrar.post(f"/students/{student.key}/changes/incomplete/", {"note": "家庭原因离校"})
    assert response.status_code == 302
    assert Application.objects.get(student=student).type == "incomplete"
    cert = completed()
    proof_form = registrar.get(f"/students/{cert.student.key}/changes/education_proof/").content.decode()
    assert cert.number in proof_form and "一律不补发" in proof_form
    assert client_for(w.registrar_a).get(f"/students/{student.key}/changes/incomplete/").status_code == 404


def test_school_register_page_and_xlsx(people, completed, client_for):
    w = people
    cert = completed()
    url = f"/schools/{w.high.pk}/certificates/"
    for reader in (w.registrar_high, w.leader_high, w.city_ty):
        page = client_for(reader).get(url)
        assert page.status_code == 200 and cert.number in page.content.decode()
    assert cert.student.student_number not in page.content.decode()  # G numbers masked
    xlsx = client_for(w.registrar_high).get(f"/schools/{w.high.pk}/certificates.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    for outsider in (w.registrar_a, w.county_xd, w.city_dt, w.auditor):
        assert client_for(outsider).get(url).status_code == 404
        assert client_for(outsider).get(f"/schools/{w.high.pk}/certificates.xlsx").status_code == 404
    assert Client().get(url).status_code == 302  # to the log-in page
    assert "证书存根" in client_for(w.registrar_high).get("/").content.decode()
    assert url in client_for(w.city_ty).get(f"/schools/{w.high.pk}/").content.decode()


def test_certificate_and_batch_pdf_pages(people, completed, client_for):
    require_pdf()
    w = people
    cert = completed(name="周䶮")
    one = client_for(w.registrar_high).get(f"/certificates/{cert.number}.pdf")
    assert one.status_code == 200 and one["Content-Type"] == "application/pdf"
    batch = client_for(w.city_ty).get(f"/schools/{w.high.pk}/certificates/{cert.school_year}.pdf")
    assert batch.status_code == 200 and batch["X-Xueji-Students"] == "1"
    for outsider in (w.registrar_a, w.county_yz, w.city_dt):
        assert client_for(outsider).get(f"/certificates/{cert.number}.pdf").status_code == 404
        assert client_for(outsider).get(f"/schools/{w.high.pk}/certificates/{cert.school_year}.pdf").status_code == 404
    assert Client().get(f"/certificates/{cert.number}.pdf").status_code == 302


def test_second_proof_page_is_the_authoritys(people, completed, client_for):
    from xueji.applications import services

    w = people
    cert = completed()
    walk(services.submit(w.registrar_high, "education_proof", cert.student, {"certificate": cert.number}), w.city_ty)
    url = f"/certificates/{cert.number}/second-proof/"
    assert client_for(w.registrar_high).get(url).status_code == 403
    assert client_for(w.city_dt).get(url).status_code == 404
    city = client_for(w.city_ty)
    assert city.get(url).status_code == 200
    refused = city.post(url, {"second_reason": "  "})
    assert refused.status_code == 422 and "第三十八条" in refused.content.decode()
    assert city.post(url, {"second_reason": "原学历证明被洪水冲毁"}).status_code == 302
    app = Application.objects.filter(type="education_proof").latest("id")
    detail = city.get(reverse("web:applications:detail", args=[app.pk])).content.decode()
    assert "原学历证明被洪水冲毁" in detail and "再次出具学历证明的理由" in detail and "主管教育行政部门验印" in detail
    walk(app, w.city_ty)
    assert Certificate.objects.filter(proves=cert).count() == 2
