"""GET /api/v1/students/{key}/forms/basic-info.pdf and
GET /api/v1/schools/{school_code}/classes/{class_id}/forms/basic-info.pdf: 附件6 as PDF, for the guardian to sign.

Rendering tests skip on a machine without Pango or the CJK fonts unless XUEJI_REQUIRE_PDF=1 (CI).
"""

import os
from pathlib import Path

import pytest
from django.test import Client

from tests.api.conftest import assert_error
from tests.factories import make_id
from tests.forms.conftest import embedded_fonts, page_text, read_pdf, require_pdf
from xueji.audit.models import AuditEvent
from xueji.core.masking import mask_id
from xueji.forms import fonts

pytestmark = pytest.mark.django_db

API = "/api/v1"


def student_url(student) -> str:
    return f"{API}/students/{student.key}/forms/basic-info.pdf"


def class_url(school_class, school_code=None) -> str:
    return f"{API}/schools/{school_code or school_class.school_id}/classes/{school_class.pk}/forms/basic-info.pdf"


@pytest.fixture
def rare_pupils(world, make_student):
    """Two pupils of class 1班 whose names need CJK Extension B and Extension A, and a third with a plain name."""
    jixiang = make_student(name="𠮷祥", school_class=world.class_a1.pk, seat_number="2")
    yan = make_student(name="䶮", gender="2", school_class=world.class_a1.pk, seat_number="10",
                       id_number=make_id(gender="2"))
    plain = make_student(name="王小明", school_class=world.class_a1.pk, seat_number="1")
    return jixiang, yan, plain


def test_a_rare_name_prints_in_the_text_layer_with_embedded_fonts(world, api_for, rare_pupils):
    require_pdf()
    jixiang, yan, _ = rare_pupils
    for student in (jixiang, yan):
        response = api_for(world.registrar_a).get(student_url(student), {"reason": "家长到校核对签字"})
        assert response.status_code == 200, response.content[:500]
        assert response["Content-Type"] == "application/pdf"
        assert "inline" in response["Content-Disposition"]
        reader = read_pdf(response.content)
        assert len(reader.pages) == 1
        text = page_text(reader, 0)
        assert student.name in text
        assert "学生基本信息表" in text and "学生或监护人签字" in text and "班主任签字" in text
        # With a reason the copy carries the whole ID number for the guardian to check (第十一条, 第四十四条).
        assert student.id_number in text
        assert embedded_fonts(reader), "the CJK font must be embedded, not referenced"
    rows = AuditEvent.objects.filter(actor=world.registrar_a, action="student.print_basic_info")
    assert sorted(rows.values_list("object_id", flat=True)) == sorted([jixiang.key, yan.key])
    assert all(row.details["full_id"] for row in rows)


def test_the_form_prints_every_section_with_code_labels(world, api_for, make_student):
    require_pdf()
    student = make_student(name="李华", gender="2", id_number=make_id(gender="2"))
    text = page_text(read_pdf(api_for(world.registrar_a).get(student_url(student)).content), 0)
    for section in ("基础信息", "辅助信息", "学籍基本信息", "联系信息", "扩展信息", "上下学交通", "家庭成员或监护人"):
        assert section in text, section
    # Codes print as their labels: 性别 2 → 女, 民族 01 → 汉族, 关系 51 → 父亲, 户口所在地 140105 → 小店区.
    for label in ("女", "汉族", "父亲", "山西省太原市小店区", "居民身份证", "就近入学", "走读", "王建国"):
        assert label in text, label


def test_a_bureau_copy_masks_the_id_number(world, api_for, make_student):
    require_pdf()
    student = make_student(name="赵敏")
    response = api_for(world.county_xd).get(student_url(student))
    assert response.status_code == 200
    text = page_text(read_pdf(response.content), 0)
    assert student.name in text
    assert student.id_number not in text and mask_id(student.id_number) in text
    row = AuditEvent.objects.get(actor=world.county_xd, action="student.print_basic_info")
    assert row.details == {"full_id": False}


def test_class_pdf_has_one_page_per_seated_student_in_seat_order(world, api_for, rare_pupils, make_student):
    require_pdf()
    jixiang, yan, plain = rare_pupils
    make_student(name="别班生")  # no class: not on this class's forms
    response = api_for(world.registrar_a).get(class_url(world.class_a1), {"reason": "全班家长到校核对"})
    assert response.status_code == 200, response.content[:500]
    assert response["X-Xueji-Students"] == "3"
    reader = read_pdf(response.content)
    assert len(reader.pages) == 3
    texts = [page_text(reader, i) for i in range(3)]
    # 班内学号 1, 2, 10: numeric order, not text order.
    for text, student in zip(texts, (plain, jixiang, yan), strict=True):
        assert student.name in text and student.id_number in text
    assert "别班生" not in "".join(texts)
    assert embedded_fonts(reader)
    row = AuditEvent.objects.get(actor=world.registrar_a, action="forms.class_basic_info")
    assert row.object_id == str(world.class_a1.pk)
    assert row.details["count"] == 3 and row.details["students"] == [plain.key, jixiang.key, yan.key]


def test_a_character_no_font_has_answers_503_naming_the_font_package(world, api_for, make_student, settings):
    require_pdf()
    # Only Noto: 𡒄 (U+21484) lies beyond it, so the form would print a box in the name.
    settings.XUEJI_PDF_FONTS = [str(fonts.REQUIRED_DEFAULTS[0])]
    student = make_student(name="𡒄明")
    body = assert_error(api_for(world.registrar_a).get(student_url(student)), 503, code="pdf_glyph_missing")
    assert "U+21484" in body["errors"][0]["message"] and fonts.RARE_FONT_PACKAGE in body["errors"][0]["message"]
    assert not AuditEvent.objects.filter(action="student.print_basic_info").exists()


def test_the_rare_font_fallback_prints_what_noto_lacks(world, api_for, make_student):
    require_pdf()
    if not fonts.OPTIONAL_DEFAULTS[0].is_file():
        if os.environ.get("XUEJI_REQUIRE_PDF") == "1":
            pytest.fail(f"{fonts.OPTIONAL_DEFAULTS[0]} is missing: scripts/bootstrap.sh installs fonts-hanazono")
        pytest.skip("fonts-hanazono is not installed here")
    student = make_student(name="𡒄明")
    response = api_for(world.registrar_a).get(student_url(student))
    assert response.status_code == 200, response.content[:500]
    assert "𡒄明" in page_text(read_pdf(response.content), 0)


# ---------------------------------------------------------------- refusals (no rendering needed)


@pytest.mark.parametrize("outsider", ["county_yz", "registrar_b", "registrar_a2", "city_dt", "auditor"])
def test_outsiders_get_404_and_the_attempt_is_logged(world, api_for, make_student, outsider):
    student = make_student(name="𠮷祥", school_class=world.class_a1.pk)
    user = getattr(world, outsider)
    assert_error(api_for(user).get(student_url(student)), 404)
    assert_error(api_for(user).get(class_url(world.class_a1)), 404)
    denied = AuditEvent.objects.filter(actor=user, outcome="denied")
    assert denied.filter(action="student.print_basic_info", object_id=student.key).exists()
    assert denied.filter(action="forms.class_basic_info", object_id=str(world.class_a1.pk)).exists()
    assert not AuditEvent.objects.filter(actor=user, outcome="ok", action__contains="basic_info").exists()


def test_a_class_named_under_another_school_is_absent(world, api_for, make_student):
    make_student(school_class=world.class_a1.pk)
    assert_error(api_for(world.county_xd).get(class_url(world.class_a1, school_code=world.school_a2.pk)), 404)
    assert_error(api_for(world.county_xd).get(f"{API}/students/G999999999999999999/forms/basic-info.pdf"), 404)


def test_without_a_token_the_answer_is_401(world, make_student):
    student = make_student()
    assert_error(Client().get(student_url(student)), 401)


def test_an_empty_class_answers_422(world, api_for):
    body = assert_error(api_for(world.registrar_a).get(class_url(world.class_a1)), 422, code="class_empty")
    assert "没有在读学生" in body["errors"][0]["message"]


def test_missing_fonts_answer_503_naming_the_package(world, api_for, make_student, settings, tmp_path):
    settings.XUEJI_PDF_FONTS = [str(tmp_path / "NotoSerifCJK-Regular.ttc")]
    student = make_student(name="𠮷祥", school_class=world.class_a1.pk)
    for url in (student_url(student), class_url(world.class_a1)):
        body = assert_error(api_for(world.registrar_a).get(url), 503, code="pdf_fonts_missing")
        assert body["detail"] == "暂时无法生成 PDF"
        assert "fonts-noto-cjk" in body["errors"][0]["message"]
        assert str(Path(tmp_path)) in body["errors"][0]["message"]
    assert not AuditEvent.objects.filter(action__contains="basic_info", outcome="ok").exists()


def test_the_endpoints_are_documented(world):
    schema = Client().get(f"{API}/openapi.json").json()
    for path in ("/api/v1/students/{key}/forms/basic-info.pdf",
                 "/api/v1/schools/{school_code}/classes/{class_id}/forms/basic-info.pdf"):
        operation = schema["paths"][path]["get"]
        assert "application/pdf" in operation["responses"]["200"]["content"]
        assert {"404", "503"} <= set(operation["responses"])
        assert operation["security"] == [{"BearerToken": []}]


def test_the_photo_prints_in_its_box(world, api_for, make_student):
    require_pdf()
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from xueji.students.services import set_photo

    student = make_student(name="𠮷祥")
    jpeg = io.BytesIO()
    Image.new("RGB", (260, 320), (150, 200, 240)).save(jpeg, "JPEG")
    set_photo(world.registrar_a, student, SimpleUploadedFile("p.jpg", jpeg.getvalue(), content_type="image/jpeg"))
    reader = read_pdf(api_for(world.registrar_a).get(student_url(student)).content)
    xobjects = reader.pages[0]["/Resources"].get_object().get("/XObject", {})
    assert any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values())


def test_a_machine_without_pango_answers_503_naming_the_packages(world, api_for, make_student, monkeypatch):
    require_pdf()
    # `import weasyprint` fails as it does where libpango is absent (the package cannot load it).
    monkeypatch.setitem(__import__("sys").modules, "weasyprint", None)
    student = make_student(name="𠮷祥")
    body = assert_error(api_for(world.registrar_a).get(student_url(student)), 503, code="pdf_library_missing")
    assert "libpango-1.0-0" in body["errors"][0]["message"]



def test_full_ids_outside_the_school_need_a_grant_and_both_land_in_the_register(world, api_for, make_student):
    """第四十四条: a county officer's full-ID printout is a release; the school's own copy is daily work."""
    from xueji.access.models import ConsultationEntry

    require_pdf()
    student = make_student(name="赵六")
    refused = api_for(world.county_xd).get(student_url(student), {"reason": "县局核对学籍信息"})
    assert_error(refused, 422, article="第四十四条")
    assert api_for(world.county_xd).get(student_url(student)).status_code == 200  # masked: no grant needed
    own = api_for(world.registrar_a).get(student_url(student), {"reason": "家长到校核对签字"})
    assert own.status_code == 200
    entries = ConsultationEntry.objects.filter(what__contains="附件6")
    assert sorted(entries.values_list("username", "outcome", "basis")) == sorted(
        [(world.county_xd.username, "denied", "none"), (world.registrar_a.username, "ok", "daily")])
