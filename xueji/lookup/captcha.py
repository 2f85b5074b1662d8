"""The human check of the public query: a small sum drawn as an SVG of jittered strokes, made here, no network.

The question travels to the browser as an image only: its digits are hand-drawn seven-segment strokes whose every
point is moved at random, with crossing noise curves, so that the SVG holds no text a script could just read.
The answer never leaves the server in clear: the token is signed (django.core.signing, so it expires) and carries
a keyed hash of the answer with a random nonce; redeeming it records the nonce, so each captcha works once.
"""

import base64
import hashlib
import hmac
import random
import secrets
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction

from .models import RedeemedCaptcha

SALT = "xueji.lookup.captcha"
_rng = random.SystemRandom()

# Seven segments in a 10 × 20 box: a top, b upper right, c lower right, d bottom, e lower left, f upper left,
# g middle.
_SEGMENTS = {
    "a": ((0, 0), (10, 0)), "b": ((10, 0), (10, 10)), "c": ((10, 10), (10, 20)), "d": ((0, 20), (10, 20)),
    "e": ((0, 10), (0, 20)), "f": ((0, 0), (0, 10)), "g": ((0, 10), (10, 10)),
}
_DIGITS = {"0": "abcdef", "1": "bc", "2": "abged", "3": "abgcd", "4": "fgbc", "5": "afgcd", "6": "afgedc",
           "7": "abc", "8": "abcdefg", "9": "abcdfg"}
_SIGNS = {
    "+": (((5, 5), (5, 15)), ((0, 10), (10, 10))),
    "-": (((0, 10), (10, 10)),),
    "=": (((0, 7), (10, 7)), ((0, 13), (10, 13))),
}


@dataclass(frozen=True)
class Captcha:
    token: str
    svg: str
    expires_in: int

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def _key() -> bytes:
    base = settings.XUEJI_AUDIT_KEY or settings.SECRET_KEY
    return hmac.new(base.encode(), b"xueji-lookup-captcha", hashlib.sha256).digest()


def _answer_hash(nonce: str, answer: str) -> str:
    return hmac.new(_key(), f"{nonce}:{answer}".encode(), hashlib.sha256).hexdigest()


def _question() -> tuple[str, str]:
    left = _rng.randint(2, 20)
    right = _rng.randint(1, 9)
    if _rng.random() < 0.5 and left > right:
        return f"{left}-{right}=", str(left - right)
    return f"{left}+{right}=", str(left + right)


def new_captcha() -> Captcha:
    """A fresh question; nothing is written to the database until it is answered."""
    text, answer = _question()
    nonce = secrets.token_hex(16)
    token = signing.dumps({"n": nonce, "h": _answer_hash(nonce, answer)}, salt=SALT)
    return Captcha(token=token, svg=render(text), expires_in=settings.XUEJI_LOOKUP_CAPTCHA_SECONDS)


def normalize_answer(raw: object) -> str:
    # Full-width digits typed on a Chinese keyboard are still digits.
    return "".join(unicodedata.normalize("NFKC", str(raw or "")).split())[:8]


def redeem(token: str | None, answer: str | None, *, now: int) -> bool:
    """True when the token is genuine, unexpired, never used before and the answer right. Any genuine token is
    used up by the attempt, right or wrong, so one question cannot be tried twice."""
    if not token or not answer or len(token) > 400:
        return False
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.XUEJI_LOOKUP_CAPTCHA_SECONDS)
        nonce, expected = str(data["n"])[:32], str(data["h"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return False
    try:
        with transaction.atomic():
            RedeemedCaptcha.objects.create(nonce=nonce, used_at=now)
    except IntegrityError:
        return False  # a replay
    return hmac.compare_digest(_answer_hash(nonce, normalize_answer(answer)), expected)


# ------------------------------------------------------------------ drawing

def _jitter(point, spread: float):
    return point[0] + _rng.uniform(-spread, spread), point[1] + _rng.uniform(-spread, spread)


def _stroke(start, end, place) -> str:
    (x1, y1), (x2, y2) = place(_jitter(start, 1.2)), place(_jitter(end, 1.2))
    # A bent stroke: the control point pulls the segment off its straight line.
    cx, cy = _jitter(((x1 + x2) / 2, (y1 + y2) / 2), 3.5)
    return f"M{x1:.1f} {y1:.1f}Q{cx:.1f} {cy:.1f} {x2:.1f} {y2:.1f}"


def _glyph_strokes(char: str):
    if char in _DIGITS:
        return [_SEGMENTS[s] for s in _DIGITS[char]]
    return list(_SIGNS[char])


def _placer(index: int):
    scale = _rng.uniform(1.35, 1.65)
    slant = _rng.uniform(-0.35, 0.35)
    left = 14 + index * 24 + _rng.uniform(-2, 2)
    top = 10 + _rng.uniform(-4, 4)

    def place(point):
        x, y = point
        return left + (x + slant * (y - 10)) * scale, top + y * scale

    return place


def render(text: str) -> str:
    """The SVG of `text` (digits and + - =), each glyph slanted, scaled and jittered on its own."""
    width, height = 24 * len(text) + 28, 56
    paths = []
    for index, char in enumerate(text):
        place = _placer(index)
        strokes = " ".join(_stroke(a, b, place) for a, b in _glyph_strokes(char))
        paths.append(f'<path d="{strokes}" stroke="#1f3b63" stroke-width="{_rng.uniform(2.2, 3.2):.1f}" '
                     'fill="none" stroke-linecap="round"/>')
    for _ in range(4):
        y1, y2 = _rng.uniform(5, height - 5), _rng.uniform(5, height - 5)
        cx, cy = _rng.uniform(0, width), _rng.uniform(0, height)
        paths.append(f'<path d="M0 {y1:.1f}Q{cx:.1f} {cy:.1f} {width} {y2:.1f}" stroke="#8aa0bf" '
                     'stroke-width="1.2" fill="none"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}"><rect width="100%" height="100%" fill="#f4f6fa"/>'
            + "".join(paths) + "</svg>")
