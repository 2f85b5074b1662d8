"""GB 11643 resident ID numbers: our own implementation, cross-checked against python-stdnum."""

import random
from datetime import date
from decimal import Decimal

import pytest

from xueji.policy.data.shanxi import SHANXI_DIVISIONS
from xueji.policy.idcard import (
    EXCEL_FLOAT_MESSAGE,
    birth_date_of,
    check_char_of_digits,
    check_digit,
    gender_of,
    is_valid_resident_id,
    looks_like_excel_float,
    normalize_id,
    validate_resident_id,
)


def make_id(area="140105", born=date(2015, 3, 2), seq=123):
    body = f"{area}{born:%Y%m%d}{seq:03d}"
    return body + check_digit(body)


def codes_of(violations):
    return [v.code for v in violations]


# The two examples printed in GB 11643-1999 itself.
STANDARD_EXAMPLES = ["11010519491231002X", "440524188001010014"]


@pytest.mark.parametrize("number", STANDARD_EXAMPLES)
def test_standard_examples_have_the_check_character_printed_in_the_standard(number):
    assert check_digit(number[:17]) == number[17]
    assert is_valid_resident_id(number) == (number[6:10] >= "1900")


def test_check_digit_refuses_anything_but_17_digits():
    for bad in ("1234", "1401052015030212X", "１４０１０５２０１５０３０２１２３"):
        with pytest.raises(ValueError):
            check_digit(bad)


def test_lowercase_x_and_full_width_digits_are_normalised():
    number = "11010519491231002X".replace("1949", "1999")
    number = number[:17] + check_digit(number[:17])
    assert normalize_id(" " + number.lower() + " ") == number
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
    assert normalize_id(full_width) == number
    assert is_valid_resident_id(number.lower())


def test_birth_date_and_gender_are_read_from_the_number():
    number = make_id(born=date(2012, 2, 29), seq=457)
    assert birth_date_of(number) == date(2012, 2, 29)
    assert gender_of(number) == "1"
    assert gender_of(make_id(seq=458)) == "2"
    with pytest.raises(ValueError):
        birth_date_of("140105201502301234")


def test_valid_number_with_matching_facts_has_no_violation():
    number = make_id(seq=121)
    assert validate_resident_id(number, birth_date=date(2015, 3, 2), gender="1") == []


def test_wrong_length_is_refused_and_a_15_digit_number_gets_a_hint():
    [short] = validate_resident_id("14010520150302123")
    assert short.code == "id_length" and "17位" in short.message
    [old] = validate_resident_id("140105150302123")
    assert old.code == "id_length" and "15位旧证" in old.message


def test_non_digit_is_refused_naming_its_position():
    [problem] = validate_resident_id("1401A5201503021234")
    assert problem.code == "id_format"
    assert "第5位" in problem.message


def test_impossible_birth_date_is_refused():
    body = "14010520150230123"
    found = validate_resident_id(body + check_digit(body))
    assert codes_of(found) == ["id_birth_date"]
    assert "20150230" in found[0].message
    assert not is_valid_resident_id(body + check_digit(body))


def test_birth_year_before_1900_is_refused_and_1900_is_allowed():
    assert not is_valid_resident_id(make_id(born=date(1899, 12, 31)))
    assert is_valid_resident_id(make_id(born=date(1900, 1, 1)))


def test_future_birth_date_is_refused():
    body = f"140105{date.today().year + 1}0101123"
    assert not is_valid_resident_id(body + check_digit(body))


def test_wrong_check_digit_says_which_character_was_expected():
    number = make_id(seq=121)
    wrong = "0" if number[-1] != "0" else "1"
    [problem] = validate_resident_id(number[:-1] + wrong)
    assert problem.code == "id_check_digit"
    assert problem.message == f"身份证件号校验位错误:第18位应为{number[-1]},请核对证件号"


def test_check_digit_x_message():
    body = next(f"14010520150302{s:03d}" for s in range(1000) if check_digit(f"14010520150302{s:03d}") == "X")
    [problem] = validate_resident_id(body + "0")
    assert problem.message == "身份证件号校验位错误:第18位应为X,请核对证件号"


def test_birth_date_different_from_item_3_is_refused_naming_both():
    number = make_id(seq=121)
    [problem] = validate_resident_id(number, birth_date=date(2015, 3, 12))
    assert problem.code == "id_birth_mismatch"
    assert problem.field == "birth_date"
    assert "出生日期" in problem.message and "身份证件号" in problem.message
    assert "2015-03-12" in problem.message and "2015-03-02" in problem.message


def test_gender_against_the_parity_of_the_17th_digit():
    male = make_id(seq=121)
    [problem] = validate_resident_id(male, gender="2")
    assert problem.code == "id_gender_mismatch" and problem.field == "gender"
    assert validate_resident_id(male, gender="1") == []


def test_unknown_area_code_is_only_a_warning():
    [problem] = validate_resident_id(make_id(area="149999"))
    assert problem.code == "id_area_unknown"
    assert problem.severity == "warning"


def test_retired_area_code_is_accepted_without_warning():
    # 142301 孝义市 of 吕梁地区 was retired in 2003; people born before keep it for life.
    assert validate_resident_id(make_id(area="142301", born=date(1995, 5, 5))) == []


def test_cross_check_against_stdnum_on_ten_thousand_numbers():
    ric = pytest.importorskip("stdnum.cn.ric")
    from stdnum.exceptions import InvalidComponent

    rng = random.Random(11643)
    areas = [code for code, _name, level, _parent in SHANXI_DIVISIONS if level == "county"]
    first, last = date(1990, 1, 1).toordinal(), date(2022, 12, 31).toordinal()
    refused_for_place = 0
    for _ in range(10_000):
        body = (
            f"{rng.choice(areas)}{date.fromordinal(rng.randint(first, last)):%Y%m%d}{rng.randint(0, 999):03d}"
        )
        number = body + check_digit(body)
        assert check_digit(body) == ric.calc_check_digit(number)
        assert is_valid_resident_id(number)
        if not ric.is_valid(number):
            # stdnum refuses a county created after the birth year; the checksum still agreed above.
            with pytest.raises(InvalidComponent):
                ric.get_birth_place(number)
            refused_for_place += 1
        corrupted = number[:-1] + rng.choice([c for c in "0123456789X" if c != number[-1]])
        assert not is_valid_resident_id(corrupted)
        assert not ric.is_valid(corrupted)
    assert refused_for_place > 0


@pytest.mark.parametrize(
    "raw",
    [
        "1.40105201001011e+17",
        "1.40105201001011E+17",
        "1.40105201001011E17",
        "140105201001011000.0",
        "140,105,201,001,011,000",
        1.40105201001011e17,
        140105201001011000,
        Decimal("140105201001011000"),
    ],
)
def test_spreadsheet_numbers_are_detected(raw):
    assert looks_like_excel_float(raw)


@pytest.mark.parametrize("raw", [make_id(seq=121), "11010519491231002X", "", None, True, "abc"])
def test_text_ids_are_not_mistaken_for_spreadsheet_numbers(raw):
    assert not looks_like_excel_float(raw)


def test_eighteen_digits_typed_as_text_are_an_id_not_a_spreadsheet_number():
    # Ending in 000 with a wrong check character, typed as text: a wrong check digit, said as such.
    assert not looks_like_excel_float("140105201503021000")
    assert [v.code for v in validate_resident_id("140105201503021000")] == ["id_check_digit"]
    assert "校验位" in validate_resident_id("140105201503021000")[0].message


def test_a_real_id_ending_in_000_is_not_flagged():
    # About one real number in a thousand ends in 000; its check character proves it intact.
    assert is_valid_resident_id("140105201001011000")
    assert not looks_like_excel_float("140105201001011000")


def test_excel_message_tells_the_fix():
    assert (
        EXCEL_FLOAT_MESSAGE == "身份证件号被表格软件转换成了数字,末几位已丢失,请把该列设为文本格式后重新填写"
    )


def test_the_one_call_check_character_agrees_with_the_weighted_sum():
    rng = random.Random(11643)
    bodies = ["0" * 17, "9" * 17, "11010519491231002", "14010520190302011"]
    bodies += ["".join(rng.choice("0123456789") for _ in range(17)) for _ in range(20_000)]
    assert [check_char_of_digits(b) for b in bodies] == [check_digit(b) for b in bodies]
    assert {check_char_of_digits(b) for b in bodies} == set("10X98765432")
