"""The web side of 附件6: the print buttons on the student and class pages, and the PDFs behind them."""

import pytest

from tests.forms.conftest import page_text, read_pdf, require_pdf
from xueji.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def student_pdf(student) -> str:
    return f"/students/{student.key}/basic-info.pdf"


def class_pdf(school_class) -> str:
    return f"/classes/{school_class.pk}/basic-info.pdf"


def test_the_student_page_and_the_class_page_offer_the_print_button(world, client_for, make_student):
    student = make_student(name="𠮷祥", school_class=world.class_a1.pk)
    client = client_for(world.registrar_a)
    page = client.get(f"/students/{student.key}/").content.decode()
    assert "打印学生基本信息表" in page and student_pdf(student) in page
    page = client.get(f"/classes/{world.class_a1.pk}/").content.decode()
    assert "打印学生基本信息表" in page and class_pdf(world.class_a1) in page


def test_the_buttons_deliver_the_pdfs(world, client_for, make_student):
    require_pdf()
    student = make_student(name="䶮", school_class=world.class_a1.pk)
    client = client_for(world.leader_a)
    response = client.get(student_pdf(student))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "䶮" in page_text(read_pdf(response.content), 0)
    response = client.get(class_pdf(world.class_a1))
    assert response.status_code == 200
    assert len(read_pdf(response.content).pages) == 1
    assert AuditEvent.objects.filter(actor=world.leader_a, action="forms.class_basic_info").count() == 1


@pytest.mark.parametrize("outsider", ["county_yz", "registrar_b", "auditor"])
def test_outsiders_get_404(world, client_for, make_student, outsider):
    student = make_student(school_class=world.class_a1.pk)
    client = client_for(getattr(world, outsider))
    assert client.get(student_pdf(student)).status_code == 404
    assert client.get(class_pdf(world.class_a1)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(world, client, make_student):
    student = make_student()
    response = client.get(student_pdf(student))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_missing_fonts_give_a_503_page_naming_the_package(world, client_for, make_student, settings, tmp_path):
    settings.XUEJI_PDF_FONTS = [str(tmp_path / "missing.ttc")]
    student = make_student(school_class=world.class_a1.pk)
    client = client_for(world.registrar_a)
    for url in (student_pdf(student), class_pdf(world.class_a1)):
        response = client.get(url)
        assert response.status_code == 503
        assert "暂时无法生成 PDF" in response.content.decode() and "fonts-noto-cjk" in response.content.decode()


def test_an_empty_class_gives_a_422_page(world, client_for):
    response = client_for(world.registrar_a).get(class_pdf(world.class_a1))
    assert response.status_code == 422 and "没有在读学生" in response.content.decode()
