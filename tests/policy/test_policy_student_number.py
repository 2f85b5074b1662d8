"""The lifelong 学籍号 (第十一条): G, J and L numbers."""

from datetime import date

import pytest

from xueji.policy.idcard import check_digit
from xueji.policy.student_number import (
    g_number,
    is_lifelong,
    j_number,
    kind_of,
    l_number,
    validate_student_number,
)

BODY = "14010520150302123"
ID = BODY + check_digit(BODY)


def test_g_number_is_g_plus_the_id():
    assert g_number(ID.lower()) == "G" + ID
    assert validate_student_number("G" + ID) == []
    assert kind_of("G" + ID) == "G"


def test_g_number_refuses_an_invalid_id():
    with pytest.raises(ValueError):
        g_number(ID[:-1] + ("0" if ID[-1] != "0" else "1"))
    [problem] = validate_student_number("G" + BODY + ("0" if ID[-1] != "0" else "1"))
    assert problem.code == "sn_g_invalid_id" and problem.article == "第十一条"


def test_j_number_layout_and_check_character():
    number = j_number("140105", date(2015, 3, 2), 7)
    assert number[:18] == "J14010520150302007"
    assert number[18] == check_digit("14010520150302007")
    assert len(number) == 19 and kind_of(number) == "J"
    assert validate_student_number(number) == []


def test_j_check_character_agrees_with_stdnum():
    ric = pytest.importorskip("stdnum.cn.ric")
    number = j_number("140106", date(2012, 12, 31), 999)
    assert number[18] == ric.calc_check_digit(number[1:])


def test_j_number_with_wrong_check_is_refused():
    number = j_number("140105", date(2015, 3, 2), 7)
    wrong = "0" if number[-1] != "0" else "1"
    [problem] = validate_student_number(number[:-1] + wrong)
    assert problem.code == "sn_check_digit" and problem.article == "第十一条"
    assert f"应为{number[-1]}" in problem.message


def test_l_number_layout():
    number = l_number("140105", date(2015, 3, 2), 42)
    assert number == "L140105201503020042"
    assert kind_of(number) == "L" and validate_student_number(number) == []


def test_l_number_with_impossible_date_is_refused():
    [problem] = validate_student_number("L140105201502300042")
    assert problem.code == "sn_format" and problem.article == "第十一条"


def test_wrong_length_and_prefix_are_refused():
    assert validate_student_number("G" + BODY)[0].code == "sn_length"
    assert validate_student_number("X" + ID)[0].code == "sn_prefix"
    assert kind_of("X" + ID) is None and kind_of("G123") is None


@pytest.mark.parametrize(
    "call",
    [
        lambda: j_number("14010", date(2015, 3, 2), 1),
        lambda: j_number("140105", date(2015, 3, 2), 1000),
        lambda: l_number("140105", date(2015, 3, 2), 10000),
        lambda: l_number("14010a", date(2015, 3, 2), 1),
    ],
)
def test_bad_parts_are_refused(call):
    with pytest.raises(ValueError):
        call()


def test_g_and_j_numbers_are_lifelong_and_only_l_is_replaced():
    # 第十一条 "一人一号,终身不变": formal numbers never change; the temporary L gives way to a formal one.
    assert is_lifelong("G" + ID) and is_lifelong(j_number("140105", date(2015, 3, 2), 1))
    assert not is_lifelong(l_number("140105", date(2015, 3, 2), 1234))
    assert not is_lifelong(None) and not is_lifelong("")
