"""姓名拼音: the pinyin the record keeps of a name (GB/T 16159 spelling without tones, upper case, one syllable
per character).

pypinyin segments the text into dictionary phrases first, so that a character read differently inside a phrase
(长 in 长江, 重 in 重庆) gets its phrase reading; that segmentation is most of its cost. A name none of whose
two-or-more-character substrings is a phrase in pypinyin's dictionary is spelled character by character anyway,
so those names (nearly all) are spelled from a per-character table, and the rest by pypinyin as before.
tests/students/test_pinyin.py compares the two on every character of the demo's name lists and on phrases.
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT

# No substring longer than the dictionary's longest phrase can be one of its phrases.
_LONGEST_PHRASE = max((len(k) for k in PHRASES_DICT), default=2)


def pinyin_of(name: str) -> str:
    """The name in pinyin, syllables separated by spaces: 张三丰 → ZHANG SAN FENG."""
    if len(name) > 1 and not _holds_phrase(name):
        return " ".join(syllable for char in name for syllable in _char_pinyin(char)).upper()
    return _pypinyin(name)


def _pypinyin(text: str) -> str:
    return " ".join(lazy_pinyin(text, style=Style.NORMAL, errors="ignore")).upper()


@lru_cache(maxsize=1 << 16)
def _char_pinyin(char: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(char, style=Style.NORMAL, errors="ignore"))


def _holds_phrase(name: str) -> bool:
    size = len(name)
    return any(name[start:end] in PHRASES_DICT
               for start in range(size - 1)
               for end in range(start + 2, min(size, start + _LONGEST_PHRASE) + 1))
