"""Code tables of the national standards, and reading a code or a label from a cell."""

import pytest

from xueji.policy import codes
from xueji.policy.codes import label, school_type_code, to_code


def test_ethnicity_has_the_56_groups_in_gb_3304_order_plus_97_and_98():
    assert list(codes.ETHNICITY)[:56] == [f"{n:02d}" for n in range(1, 57)]
    assert list(codes.ETHNICITY)[56:] == ["97", "98"]
    assert len(set(codes.ETHNICITY.values())) == 58
    spots = {"01": "汉族", "03": "回族", "05": "维吾尔族", "10": "朝鲜族", "29": "柯尔克孜族", "36": "毛南族"}
    spots |= {"43": "乌孜别克族", "46": "德昂族", "56": "基诺族", "98": "外国血统中国籍人士"}
    for code, name in spots.items():
        assert codes.ETHNICITY[code] == name


def test_nationality_is_the_full_alpha3_list():
    assert len(codes.NATIONALITY) >= 240
    assert all(len(c) == 3 and c.isalpha() and c.isupper() for c in codes.NATIONALITY)
    assert len(set(codes.NATIONALITY.values())) == len(codes.NATIONALITY)
    assert codes.NATIONALITY["CHN"] == "中国"
    assert codes.NATIONALITY["HKG"] == "中国香港"
    assert codes.NATIONALITY["MAC"] == "中国澳门"
    assert codes.NATIONALITY["TWN"] == "中国台湾"


def test_small_tables_match_the_spec():
    assert codes.GENDER == {"1": "男", "2": "女"}
    assert list(codes.ID_TYPE) == ["1", "6", "7", "8", "9", "A", "Z"]
    assert len(codes.HMT_OVERSEAS) == 16 and codes.HMT_OVERSEAS["00"] == "否"
    assert list(codes.HEALTH) == ["10", "20", "30", "40", "50"]
    assert codes.POLITICAL["13"] == "群众" and codes.POLITICAL["03"] == "共青团员"
    assert codes.HUKOU_NATURE == {"1": "农业户口", "2": "非农业户口", "3": "居民户口"}
    assert codes.FAMILY_RELATION["51"] == "父亲" and codes.FAMILY_RELATION["52"] == "母亲"
    assert [codes.FAMILY_RELATION[c] for c in ("61", "62", "63", "64")] == [
        "祖父",
        "祖母",
        "外祖父",
        "外祖母",
    ]
    assert codes.YES_NO == {"1": "是", "0": "否"}
    assert codes.SCHOOL_TYPE["211"] == "小学" and codes.SCHOOL_TYPE["371"] == "工读学校"
    assert "在籍" in codes.STATUS and "借读" not in codes.STATUS


def test_every_inclusive_value_maps_to_disability_codes():
    assert set(codes.INCLUSIVE_DISABILITY) == set(codes.INCLUSIVE_STUDY)
    covered = set().union(*codes.INCLUSIVE_DISABILITY.values())
    assert covered == set(codes.DISABILITY)


@pytest.mark.parametrize(
    ("table", "raw", "code"),
    [
        (codes.GENDER, "男", "1"),
        (codes.GENDER, "1", "1"),
        (codes.GENDER, 1.0, "1"),
        (codes.GENDER, "2.0", "2"),
        (codes.GENDER, "１", "1"),
        (codes.ETHNICITY, " 汉族 ", "01"),
        (codes.ETHNICITY, 1.0, "01"),
        (codes.ETHNICITY, "1", "01"),
        (codes.ETHNICITY, "98", "98"),
        (codes.NATIONALITY, "chn", "CHN"),
        (codes.NATIONALITY, "中国", "CHN"),
        (codes.ID_TYPE, "a", "A"),
        (codes.ID_TYPE, "居民身份证", "1"),
        (codes.HEALTH, 10.0, "10"),
        (codes.COMMUTE_MODE, "自行车", "2"),
        (codes.COMMUTE_MODE, "自行车(含电动自行车)", "2"),
        (codes.YES_NO, "否", "0"),
    ],
)
def test_to_code_accepts_code_label_and_spreadsheet_float(table, raw, code):
    assert to_code(table, raw) == code


@pytest.mark.parametrize("raw", ["汉", "0", "汉族人", None, "", True, 1.5, "01x"])
def test_to_code_refuses_anything_else(raw):
    assert to_code(codes.ETHNICITY, raw) is None


def test_label_of_known_and_unknown_codes():
    assert label(codes.ETHNICITY, "01") == "汉族"
    assert label(codes.ETHNICITY, "00") is None
    assert label(codes.ETHNICITY, None, "未填") == "未填"


def test_school_type_accepts_code_label_and_everyday_names():
    assert school_type_code("211") == "211"
    assert school_type_code("九年一贯制学校") == "312"
    assert school_type_code("初中") == "311"
    assert school_type_code("普通高中") == "342"
    assert school_type_code("特殊教育学校") == "514"
    assert school_type_code("大学") is None
