"""The status table of the change types (design.md: one table of allowed transitions)."""

import subprocess
import sys
from pathlib import Path

import pytest

from xueji.policy import codes
from xueji.policy.changes import transitions

STORED = set(codes.STATUS_WORDS) - {"失踪/其他离校"} | {"失踪"}


def test_every_change_has_a_label_an_article_and_stored_statuses():
    for change, moves in transitions.TRANSITIONS.items():
        assert change in codes.CHANGE_TYPE and transitions.ARTICLES[change].startswith("第")
        for before, after in moves.items():
            assert before in STORED and after in STORED, (change, before, after)


@pytest.mark.parametrize(
    ("change", "before", "after"),
    [
        ("transfer", "在籍", "在籍"),
        ("suspension", "在籍", "休学"),
        ("suspension_extension", "休学", "休学"),
        ("resumption", "休学", "在籍"),
        ("visiting", "在籍", "在籍"),
        ("withdrawal", "在籍", "退学"),
        ("withdrawal", "休学", "退学"),
        ("auto_withdrawal", "在籍", "退学"),
        ("auto_withdrawal", "休学", "退学"),
        ("death", "在籍", "死亡"),
        ("death", "休学", "死亡"),
        ("death", "辍学", "死亡"),
        ("death", "失踪", "死亡"),
        ("dropout", "在籍", "辍学"),
        ("dropout_return", "辍学", "在籍"),
        ("missing", "在籍", "失踪"),
        ("missing_return", "失踪", "在籍"),
    ],
)
def test_allowed_moves(change, before, after):
    assert transitions.target(change, before) == after
    assert transitions.check_transition(change, before) == []


@pytest.mark.parametrize(
    ("change", "before"),
    [
        ("transfer", "休学"),
        ("suspension", "休学"),
        ("resumption", "在籍"),
        ("visiting", "休学"),
        ("withdrawal", "退学"),
        ("dropout", "休学"),
        ("death", "死亡"),
        ("missing_return", "在籍"),
        ("dropout_return", "退学"),  # a returning emigrant gets a new record instead (第三十条)
    ],
)
def test_refused_moves_name_the_article(change, before):
    assert transitions.target(change, before) is None
    [found] = transitions.check_transition(change, before)
    assert found.code == "status_not_allowed" and found.article == transitions.ARTICLES[change]
    assert found.article in found.message and before in found.message


def test_unknown_change_is_a_programming_error():
    with pytest.raises(ValueError):
        transitions.check_transition("teleport", "在籍")


def test_the_changes_package_imports_no_django():
    root = Path(transitions.__file__).parents[3]
    names = (
        "common",
        "reasons",
        "transitions",
        "transfer",
        "suspension",
        "visiting",
        "withdrawal",
        "death",
        "dropout",
        "missing",
    )
    code = "import sys\n" + "".join(f"import xueji.policy.changes.{n}\n" for n in names)
    code += (
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


def test_a_finished_record_is_refused_with_the_article_that_finished_it():
    # 毕业 (第三十四条), 结业 and 肄业 (第三十七条) close the record: no change, death included, applies to it.
    [found] = transitions.check_transition("death", "毕业")
    assert (found.code, found.article) == ("record_finished", "第三十四条")
    assert transitions.check_transition("withdrawal", "肄业")[0].article == "第三十七条"
