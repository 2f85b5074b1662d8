"""Every key a status event records in StatusEvent.changes has a Chinese name on the record page and the timeline,
and the registry's own ids and codes among the values are shown by name."""

import ast
import pathlib
import re

import pytest

import xueji
from xueji.students.change_labels import change_label, registry_value_text

ROOT = pathlib.Path(xueji.__file__).parent
CJK = re.compile(r"[\u4e00-\u9fff]")


def recorded_keys() -> set[str]:
    """Keys of every `changes={...}` literal passed to a call, and of `changes["key"] = …` assignments."""
    keys = set()
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "changes" and isinstance(node.value, ast.Dict):
                keys |= {k.value for k in node.value.keys if isinstance(k, ast.Constant)}
            if (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "changes"
                                                     for t in node.targets) and isinstance(node.value, ast.Dict)):
                keys |= {k.value for k in node.value.keys if isinstance(k, ast.Constant)}
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "changes" \
                    and isinstance(node.slice, ast.Constant):
                keys.add(node.slice.value)
    return keys


def test_the_scan_finds_the_keys_of_the_registry_steps():
    assert {"school", "school_name", "school_class", "visiting_at", "end_reason", "student_number",
            "suspended_until", "merged_into"} <= recorded_keys()


def test_every_recorded_key_has_a_chinese_label():
    missing = sorted(k for k in recorded_keys() if not CJK.search(change_label(k)))
    assert missing == []


@pytest.mark.django_db
def test_ids_and_codes_in_recorded_values_are_shown_by_name(world):
    assert registry_value_text("school", world.school_a.pk) == world.school_a.name
    assert registry_value_text("visiting_at", world.school_b.pk) == world.school_b.name
    assert registry_value_text("school_class", world.class_a1.pk) == world.class_a1.name
    assert registry_value_text("school_class", "一年级2班") == "一年级2班"  # placement records the name itself
    assert registry_value_text("end_reason", "finished") == "借读期满或监护人申请结束借读"
    assert registry_value_text("student_number", "G1") is None  # not an id: shown as recorded
