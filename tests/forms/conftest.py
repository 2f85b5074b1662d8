"""Shared by the printed-form tests: whether this machine can render PDFs, and how to read one back."""

import io
import os

import pytest

from xueji.forms import pdf


def require_pdf():
    """Skip when Pango or the fonts are missing here, unless XUEJI_REQUIRE_PDF=1 (CI) makes that a failure."""
    ok, reason = pdf.available()
    if ok:
        return
    if os.environ.get("XUEJI_REQUIRE_PDF") == "1":
        pytest.fail(f"PDF rendering is required but unavailable: {reason}")
    pytest.skip(f"PDF rendering unavailable here: {reason}")


@pytest.fixture
def pdf_ready():
    require_pdf()


def read_pdf(content: bytes):
    from pypdf import PdfReader

    assert content[:5] == b"%PDF-", content[:200]
    return PdfReader(io.BytesIO(content))


def page_text(reader, index: int) -> str:
    """The page's text layer without whitespace: letter-spaced titles and stacked section names read whole."""
    return "".join(reader.pages[index].extract_text().split())


def embedded_fonts(reader) -> set[str]:
    """Base names of the fonts whose program is embedded in the PDF (FontFile, FontFile2 or FontFile3)."""
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            for desc_font in font.get("/DescendantFonts", [font]):
                desc = desc_font.get_object().get("/FontDescriptor")
                if desc is None:
                    continue
                desc = desc.get_object()
                if any(key in desc for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(font["/BaseFont"]))
    return names
