"""The pieces of the forms that need no database or renderer: value texts, row packing, glyph coverage."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from xueji.forms import basic_info, fonts
from xueji.policy.fields import FAMILY_FIELD_BY_NAME, FIELD_BY_NAME


@pytest.mark.parametrize(("name", "value", "text"), [
    ("gender", "2", "女"),
    ("ethnicity", "01", "汉族"),
    ("only_child", True, "是"),
    ("orphan", False, "否"),
    ("birthplace", "140105", "山西省太原市小店区"),
    ("birth_date", datetime.date(2015, 3, 2), "2015年3月2日"),
    ("entry_month", "202109", "2021年9月"),
    ("grade", 7, "初一"),
    ("commute_distance", Decimal("1.50"), "1.5 公里"),
    ("political_status", "", ""),
    ("name", "𠮷祥", "𠮷祥"),
])
def test_values_print_as_labels(name, value, text):
    assert basic_info.value_text(FIELD_BY_NAME[name], value, full_id=True) == text


def test_id_numbers_are_whole_only_when_allowed():
    spec = FAMILY_FIELD_BY_NAME["id_number"]
    number = "140105198506010113"
    assert basic_info.value_text(spec, number, full_id=True) == number
    assert basic_info.value_text(spec, number, full_id=False) == "1401**********0113"


def cells(*names):
    return [{"label": n, "text": "", "wide": n.startswith("wide"), "span": 1} for n in names]


def test_rows_hold_three_pairs_and_stretch_the_last_cell():
    rows = basic_info.pack_rows(cells("a", "b", "c", "d"))
    assert [[c["label"] for c in row] for row in rows] == [["a", "b", "c"], ["d"]]
    assert rows[1][0]["span"] == 5  # one pair filling the whole row: its value spans five columns


def test_wide_items_take_a_row_and_rows_beside_the_photo_hold_two():
    rows = basic_info.pack_rows(cells("a", "b", "c", "wide1", "d"), narrow_rows=1)
    assert [[c["label"] for c in row] for row in rows] == [["a", "b"], ["c"], ["wide1"], ["d"]]
    assert [row[-1]["span"] for row in rows] == [1, 5, 5, 5]


def test_uncovered_ideographs_are_found_and_other_symbols_left_to_the_system():
    font_set = fonts.FontSet(faces=(), covered=frozenset(map(ord, "吉祥<p/> ")))
    assert font_set.uncovered("<p>𠮷祥 吉 䶮 ① 😀</p>\n") == ["䶮", "𠮷"]


def test_explicit_font_files_are_all_required(settings, tmp_path):
    settings.XUEJI_PDF_FONTS = [str(tmp_path / "a.ttf")]
    assert fonts.configured_paths() == ([Path(tmp_path / "a.ttf")], [])
    with pytest.raises(fonts.FontsUnavailable) as exc:
        fonts.font_set()
    assert "fonts-noto-cjk" in exc.value.message and "a.ttf" in exc.value.message


def test_the_configured_fonts_draw_the_rare_names():
    # The glyph coverage the issue asks for, checked on the font files themselves.
    from tests.forms.conftest import require_pdf

    require_pdf()
    assert fonts.font_set().uncovered("𠮷祥䶮学生基本信息表") == []
