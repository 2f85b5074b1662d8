"""The synthetic record generator itself (no database): realistic, valid and never repeating an ID number."""

import datetime
from collections import Counter

from stdnum.cn import ric

from xueji.demo.synthetic import IdAllocator, SchoolInfo, Synth, cohort_start, id_area, places
from xueji.policy.idcard import check_digit, gender_of
from xueji.policy.record import validate_student

TODAY = datetime.date(2026, 11, 28)
SCHOOLS = {
    "211": SchoolInfo("1114010501", "140105", "211"),
    "311": SchoolInfo("1114010602", "140106", "311", private=True),
    "312": SchoolInfo("1140122101", "140122", "312", boarding=0.3),
    "342": SchoolInfo("1140213102", "140213", "342", boarding=0.4),
}
GRADES = {"211": range(1, 7), "311": range(7, 10), "312": range(1, 10), "342": range(10, 13)}


def sample(n=3000, seed=1):
    synth = Synth(seed, today=TODAY)
    out = []
    for i in range(n):
        school_type = list(SCHOOLS)[i % 4]
        grades = GRADES[school_type]
        out.append((school_type, synth.student(SCHOOLS[school_type], grades[i % len(grades)])))
    return out


def test_records_pass_the_record_rules_without_even_a_warning():
    for school_type, record in sample():
        assert validate_student(record, school_type=school_type, today=TODAY) == []


def test_birth_date_fits_the_grade_and_the_id_number():
    for _type, record in sample(600):
        bucket = cohort_start(record["grade"], 2026)
        assert datetime.date(bucket, 9, 1) <= record["birth_date"] < datetime.date(bucket + 1, 9, 1)
        assert record["id_number"][6:14] == record["birth_date"].strftime("%Y%m%d")
        assert gender_of(record["id_number"]) == record["gender"]
        for member in record["family"]:
            born = int(member["id_number"][6:10])
            assert 24 <= record["birth_date"].year - born <= 67


def test_every_number_is_unique_and_has_the_standard_check_digit():
    numbers = [n for _t, r in sample(5000) for n in [r["id_number"], *(m["id_number"] for m in r["family"])]]
    assert len(set(numbers)) == len(numbers)
    assert all(check_digit(n[:17]) == n[17] for n in numbers)


def test_numbers_are_valid_for_an_independent_checker_too():
    # python-stdnum also checks that the area code existed in the birth year.
    for _t, record in sample(400):
        for number in [record["id_number"], *(m["id_number"] for m in record["family"])]:
            ric.validate(number)


def test_area_codes_follow_the_division_history():
    assert id_area("140105", 2015) == "140105"
    assert id_area("140105", 1985) != "140105"  # 小店区 dates from 1997
    assert id_area("140727", 1985) == "142430"  # 祁县 under the old 晋中地区


def test_the_allocator_moves_past_levels_already_used():
    old = [r["id_number"] for _t, r in sample(500, seed=1)]
    used = IdAllocator.used_levels_from((n[:6], n[14:17]) for n in old)
    # The same seed would draw the very same people again; the levels already used push every number on.
    again = Synth(1, today=TODAY, used_levels=used)
    new = [again.student(SCHOOLS[t], r["grade"])["id_number"] for t, r in sample(500, seed=1)]
    assert not set(old) & set(new)


def test_orphans_and_children_left_behind_have_the_right_guardians():
    synth = Synth(4, today=TODAY)
    rural = SchoolInfo("1140122101", "140122", "312")
    records = [synth.student(rural, 3) for _ in range(6000)]
    for record in records:
        relations = [m["relation"] for m in record["family"]]
        if record["orphan"]:
            assert relations == ["61", "62"]  # grandparents
        elif record["left_behind"] == "2":
            assert relations == ["61", "51"] and record["family"][1]["employer"] == "外出务工"
        elif record["left_behind"] == "1":
            assert relations == ["52", "51"]
        else:
            assert sorted(relations) == ["51", "52"]
    assert {"1", "2"} <= {r["left_behind"] for r in records}
    assert any(r["orphan"] for r in records)


def test_the_mix_looks_like_shanxi():
    records = [r for _t, r in sample(6000)]
    surnames = Counter(r["name"][0] for r in records)
    assert {s for s, _n in surnames.most_common(4)} == {"王", "李", "张", "刘"}
    ethnic = Counter(r["ethnicity"] for r in records)
    assert ethnic["01"] > 0.9 * len(records) and {"02", "03", "11"} <= set(ethnic)
    assert any(r["migrant_child"] for r in records) and any(r["left_behind"] != "0" for r in records)
    assert all(r["postcode"].isdigit() and len(r["postcode"]) == 6 for r in records)
    assert all(len(r["current_address"]) >= 18 for r in records)
    assert {len(r["name"]) for r in records} >= {2, 3}


def test_every_county_has_a_place():
    assert len(places()) == 117
