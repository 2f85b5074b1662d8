"""Division codes: every code ever listed, and Shanxi's current tree."""

from collections import Counter

from xueji.policy.areas import area_history, area_name, is_current_area, is_known_area
from xueji.policy.data.shanxi import SHANXI_DIVISIONS


def test_current_and_retired_codes_are_known():
    assert is_known_area("140105") and area_name("140105") == "小店区"
    assert is_known_area("110105") and area_name("110105") == "朝阳区"
    # 吕梁地区's 孝义市 code was retired in 2003 but old ID numbers still carry it.
    assert is_known_area("142301") and not is_current_area("142301")
    assert is_current_area("140105")


def test_never_listed_codes_are_unknown():
    for code in ("999999", "140199", "000000", "14010", ""):
        assert not is_known_area(code)
    assert area_name("999999") is None


def test_renamed_code_keeps_its_history_and_latest_name():
    assert [name for name, _start, _end in area_history("142200")] == ["忻县地区", "忻州地区"]
    assert area_history("142200")[0][2] == 1982
    assert area_name("142200") == "忻州地区"


def test_shanxi_has_one_province_eleven_cities_and_117_counties():
    levels = Counter(level for _code, _name, level, _parent in SHANXI_DIVISIONS)
    assert levels == {"province": 1, "city": 11, "county": 117}


def test_shanxi_spot_checks():
    rows = {code: (name, level, parent) for code, name, level, parent in SHANXI_DIVISIONS}
    assert rows["140000"] == ("山西省", "province", None)
    assert rows["140100"] == ("太原市", "city", "140000")
    assert rows["141100"] == ("吕梁市", "city", "140000")
    assert rows["140105"] == ("小店区", "county", "140100")
    assert rows["140106"] == ("迎泽区", "county", "140100")


def test_shanxi_list_excludes_retired_and_placeholder_rows():
    rows = {code: name for code, name, _level, _parent in SHANXI_DIVISIONS}
    assert "市辖区" not in rows.values()
    assert "140102" not in rows  # 南城区 [1983-1997]
    assert "142100" not in rows  # 雁北地区 [-1993]
    assert "140227" not in rows  # 大同县 [1993-2018]


def test_every_shanxi_county_hangs_under_a_listed_current_city():
    cities = {code for code, _name, level, _parent in SHANXI_DIVISIONS if level == "city"}
    for code, _name, level, parent in SHANXI_DIVISIONS:
        assert is_current_area(code)
        if level == "county":
            assert parent in cities and parent == code[:4] + "00"
