"""The fonts the printed forms embed, checked and prepared once per process.

Names may hold characters outside the BMP (𠮷 U+20BB7) or in CJK Extension A (䶮 U+4DAE); a form that prints
them as empty boxes is wrong, and the guardian would sign a wrong name. So the forms use named font files only
(never whatever fontconfig happens to pick), and every text is checked against those files' character maps
before rendering.

Configuration (settings or environment, settings first):
  XUEJI_PDF_FONTS   font files in order of preference (settings: a list; environment: paths joined by ":").
                    Default: Debian's Noto Serif CJK regular and bold (package fonts-noto-cjk), then HanaMinB
                    (package fonts-hanazono) when installed, for the rarer Extension B–F characters Noto lacks.
                    Every file named explicitly must exist; of the defaults only the Noto files are required.
  XUEJI_PDF_FONT_REGION  which face of a .ttc collection to use: SC (default), TC, HK, JP or KR.

A .ttc collection is cut into its one face once and kept under <XUEJI_DATA_DIR>/cache/fonts: WeasyPrint would
otherwise pick the collection's first (Japanese) face and copy all of it for every document.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
REQUIRED_DEFAULTS = (NOTO_DIR / "NotoSerifCJK-Regular.ttc", NOTO_DIR / "NotoSerifCJK-Bold.ttc")
OPTIONAL_DEFAULTS = (Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"),)
FONT_PACKAGE = "fonts-noto-cjk"
RARE_FONT_PACKAGE = "fonts-hanazono"
# The primary family name the print stylesheet uses; fallbacks are numbered after it.
FAMILY = "Xueji Form"

_lock = threading.Lock()
_prepared: dict[tuple, FontSet] = {}


class FontsUnavailable(Exception):
    """A configured font file is missing or unreadable, or a text needs a character no font has."""

    def __init__(self, message: str, *, code: str = "pdf_fonts_missing", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


@dataclass(frozen=True)
class Face:
    path: Path  # a single-face .otf/.ttf, ready for @font-face
    family: str
    weight: int


@dataclass(frozen=True)
class FontSet:
    faces: tuple[Face, ...]
    covered: frozenset[int]

    @property
    def families(self) -> list[str]:
        return list(dict.fromkeys(face.family for face in self.faces))

    def uncovered(self, text: str) -> list[str]:
        """Chinese characters of `text` that none of the fonts can draw. Other symbols are left to the system's
        fallback fonts: a name is made of ideographs, and only the configured fonts are known to hold them all."""
        # set() first: a class's HTML runs to a million characters, of which a few hundred are distinct.
        return sorted(ch for ch in set(text) if ord(ch) not in self.covered and is_ideograph(ch))


def is_ideograph(ch: str) -> bool:
    """A CJK unified or compatibility ideograph, in any extension (𠮷 is in B, 䶮 in A)."""
    return unicodedata.name(ch, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


def configured_paths() -> tuple[list[Path], list[Path]]:
    """(required, optional) font files: explicit configuration makes every file required."""
    value = getattr(settings, "XUEJI_PDF_FONTS", None) or os.environ.get("XUEJI_PDF_FONTS", "")
    if isinstance(value, str):
        value = [p for p in value.split(":") if p.strip()]
    if value:
        return [Path(p) for p in value], []
    return list(REQUIRED_DEFAULTS), [p for p in OPTIONAL_DEFAULTS if p.is_file()]


def region() -> str:
    return (getattr(settings, "XUEJI_PDF_FONT_REGION", None) or os.environ.get("XUEJI_PDF_FONT_REGION")
            or "SC").upper()


def font_set() -> FontSet:
    """The prepared fonts, built at the first call of a process and whenever the configuration changes."""
    required, optional = configured_paths()
    missing = [p for p in required if not p.is_file()]
    if missing:
        names = "、".join(str(p) for p in missing)
        raise FontsUnavailable(
            f"打印所需的中文字体文件不存在:{names}。请管理员安装 Debian 软件包 {FONT_PACKAGE}"
            f"(apt-get install {FONT_PACKAGE}),或在 XUEJI_PDF_FONTS 中指定已安装的字体文件")
    key = (tuple(required + optional), region(), _cache_dir())
    with _lock:
        if key not in _prepared:
            _prepared[key] = _prepare(required + optional)
        return _prepared[key]


def _prepare(paths: list[Path]) -> FontSet:
    from fontTools.ttLib import TTLibError

    faces, covered, families = [], set(), []
    try:
        for path in paths:
            face_path, font = _single_face(path)
            weight = font["OS/2"].usWeightClass if "OS/2" in font else 400
            # The regular and bold files of one family share one CSS family; other families are fallbacks.
            name = _family_name(font)
            if name not in families:
                families.append(name)
            n = families.index(name)
            faces.append(Face(face_path, FAMILY if n == 0 else f"{FAMILY} {n + 1}", 700 if weight >= 600 else 400))
            covered |= set(font.getBestCmap() or {})
            font.close()
    except (OSError, TTLibError, KeyError) as exc:
        raise FontsUnavailable(
            f"无法读取打印所需的字体文件({exc})。请管理员重新安装 Debian 软件包 {FONT_PACKAGE}") from exc
    return FontSet(tuple(faces), frozenset(covered))


def _family_name(font) -> str:
    # Name ID 16 is the typographic family ("Noto Serif CJK SC" for regular and bold alike); older fonts
    # only have ID 1, which may carry the weight as a suffix.
    name = font["name"].getDebugName(16) or font["name"].getDebugName(1) or ""
    return name.removesuffix(" Bold").strip()


def _single_face(path: Path):
    """(file holding one face, that face opened lazily). A collection is cut once into the cache."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() not in (".ttc", ".otc"):
        return path, TTFont(path, lazy=True)
    collection = TTCollection(path, lazy=True)
    index = _face_index(collection)
    stat = path.stat()
    digest = hashlib.sha1(f"{path}|{stat.st_size}|{stat.st_mtime_ns}|{index}".encode()).hexdigest()[:12]
    target = _cache_dir() / f"{path.stem}-{index}-{digest}.otf"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed, so a second process never reads a half-written file.
        with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".part", delete=False) as tmp:
            collection.fonts[index].save(tmp)
        os.replace(tmp.name, target)
    collection.close()
    return target, TTFont(target, lazy=True)


def _face_index(collection) -> int:
    wanted = region()
    for index, font in enumerate(collection.fonts):
        name = font["name"].getDebugName(1) or ""
        if name.endswith(f" {wanted}") and "Mono" not in name:
            return index
    return 0


def _cache_dir() -> Path:
    base = Path(getattr(settings, "DATA_DIR", None) or tempfile.gettempdir())
    return base / "cache" / "fonts"


def font_face_css(fonts: FontSet) -> str:
    """@font-face rules naming the prepared files, for the print stylesheet."""
    rules = [
        f'@font-face {{ font-family: "{face.family}"; src: url("{face.path.resolve().as_uri()}"); '
        f"font-weight: {face.weight}; }}"
        for face in fonts.faces
    ]
    return "\n".join(rules)


def font_stack(fonts: FontSet) -> str:
    """The CSS font-family value: the primary family, then the fallbacks in order."""
    return ", ".join(f'"{family}"' for family in fonts.families) + ", serif"
