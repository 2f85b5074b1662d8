"""Turns a Django template (HTML and print CSS) into a PDF with embedded, subset CJK fonts.

Every printed form of the registry (附件6 now; 附件7–10 with the change applications) goes through `render`:
the template extends forms/print_base.html, which sets up A4 pages, the fonts and the page footer. The
expensive part, loading the font files, happens once per process; each document then embeds only the glyphs it
uses (WeasyPrint subsets with HarfBuzz), so a class of 45 renders in about a second.

When the machine lacks the rendering libraries or the fonts, `render` raises PdfUnavailable (HTTP 503) with a
Chinese message naming the Debian package to install, instead of failing with a 500.
"""

from __future__ import annotations

import atexit
import threading

from django.template.loader import render_to_string

from xueji.core.errors import ServiceError
from xueji.policy.violations import Violation

from . import fonts

SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"

# Pango's font maps are not safe to share between threads; one document at a time per process.
_render_lock = threading.Lock()
_font_configs: dict[fonts.FontSet, object] = {}
# Each FontConfiguration keeps copies of the font files in a temporary folder, removed when it is dropped.
atexit.register(_font_configs.clear)


class PdfUnavailable(ServiceError):
    """The server cannot produce the PDF right now (missing library or font): HTTP 503, never a 500."""

    status = 503
    summary = "暂时无法生成 PDF"
    default_code = "pdf_unavailable"


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        # OSError: the Python package is there but cannot load Pango (cffi's dlopen failed).
        raise PdfUnavailable(Violation(
            code="pdf_library_missing",
            message=(f"服务器缺少生成 PDF 的组件({type(exc).__name__}: {exc})。请管理员安装 Debian 软件包 "
                     f"{SYSTEM_PACKAGES}(apt-get install {SYSTEM_PACKAGES})并运行 scripts/bootstrap.sh"),
        )) from exc
    return weasyprint


def available() -> tuple[bool, str]:
    """(whether PDFs can be made here, why not): for the tests and for a health page."""
    try:
        _weasyprint()
        _fonts()
    except PdfUnavailable as exc:
        return False, exc.message
    return True, ""


def _fonts() -> fonts.FontSet:
    try:
        return fonts.font_set()
    except fonts.FontsUnavailable as exc:
        raise PdfUnavailable(Violation(code=exc.code, message=exc.message, field=exc.field)) from exc
    except ImportError:
        # fontTools comes with WeasyPrint: without it the library itself is missing.
        _weasyprint()
        raise


def _check_coverage(font_set: fonts.FontSet, html: str) -> None:
    # A character no font can draw would print as an empty box: refuse rather than print a wrong name.
    missing = font_set.uncovered(html)
    if missing:
        listed = "、".join(f"“{ch}”(U+{ord(ch):04X})" for ch in missing[:10])
        raise PdfUnavailable(Violation(
            code="pdf_glyph_missing",
            message=(f"已配置的字体中没有 {listed} 的字形,打印出来会是方框。请管理员安装 Debian 软件包 "
                     f"{fonts.RARE_FONT_PACKAGE}(收录扩展B–F区汉字),或在 XUEJI_PDF_FONTS 中加入含这些字的字体"),
        ))


def _font_config(weasyprint, font_set: fonts.FontSet):
    # One FontConfiguration per font set and process: it copies each font file once and reuses it after.
    if font_set not in _font_configs:
        from weasyprint.text.fonts import FontConfiguration

        _font_configs.clear()
        _font_configs[font_set] = FontConfiguration()
    return _font_configs[font_set]


def _url_fetcher(weasyprint):
    # The documents embed their photos as data: URIs and name local font files; nothing is fetched from a
    # network (design: no network at run time). Older WeasyPrint releases lack this class: their default is used.
    fetcher_class = getattr(getattr(weasyprint, "urls", None), "URLFetcher", None)
    if isinstance(fetcher_class, type):
        try:
            return fetcher_class(allowed_protocols=("file", "data"))
        except TypeError:
            return None
    return None


def render(template_name: str, context: dict) -> bytes:
    """The PDF of `template_name` rendered with `context`."""
    font_set = _fonts()
    html = render_to_string(template_name, {
        **context,
        "font_faces": fonts.font_face_css(font_set),
        "font_stack": fonts.font_stack(font_set),
    })
    _check_coverage(font_set, html)
    weasyprint = _weasyprint()
    with _render_lock:
        font_config = _font_config(weasyprint, font_set)
        document = weasyprint.HTML(string=html, url_fetcher=_url_fetcher(weasyprint))
        return document.write_pdf(font_config=font_config)
