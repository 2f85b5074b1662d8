"""姓名拼音: the per-character shortcut spells every name exactly as pypinyin's phrase-aware reading does."""

import itertools
import random

from xueji.demo.synthetic import (
    BOY_CHARS,
    GIRL_CHARS,
    MAN_GIVEN,
    RARE_CHARS,
    SHARED_CHARS,
    SURNAMES,
    WOMAN_GIVEN,
)
from xueji.students.pinyin import _holds_phrase, _pypinyin, pinyin_of


def test_every_demo_name_shape_is_spelled_as_pypinyin_spells_it():
    surnames = [s for s, _weight in SURNAMES]
    given = list(BOY_CHARS + GIRL_CHARS + SHARED_CHARS) + list(RARE_CHARS)
    names = [s + g for s in surnames for g in given]
    rng = random.Random(16159)
    names += [rng.choice(surnames) + rng.choice(given) + rng.choice(given) for _ in range(20_000)]
    names += [s + g for s, g in itertools.product(surnames, MAN_GIVEN + WOMAN_GIVEN)]
    assert [pinyin_of(n) for n in names] == [_pypinyin(n) for n in names]


def test_names_holding_a_phrase_take_the_phrase_reading():
    # 长 reads chang in 长江 and 重 chong in 重庆; a name made of such a phrase goes to pypinyin whole.
    for name in ("王长江", "李重庆", "张银行", "赵行长", "单于", "欧阳娜娜", "阿依古丽·买买提"):
        assert pinyin_of(name) == _pypinyin(name)
    assert _holds_phrase("王长江") and not _holds_phrase("薛锐琳")


def test_rare_and_foreign_characters_are_left_out_as_before():
    for name in ("𠮷祥", "刘䶮", "Anna李", "李 四", "王-小明", "李"):
        assert pinyin_of(name) == _pypinyin(name)
