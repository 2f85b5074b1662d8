"""Every audit action and object type the code base writes has a Chinese label, and the audit page shows the
labels, not the codes (codes stay in the API)."""

import ast
import itertools
import pathlib
import re

import pytest

import xueji
from tests.words import internal_words, visible_text
from xueji.applications.engine import registered
from xueji.audit import labels
from xueji.audit import services as audit

ROOT = pathlib.Path(xueji.__file__).parent
CJK = re.compile(r"[\u4e00-\u9fff]")
# Calls whose second argument (or `action=`) is an audit action code.
AUDIT_CALLS = {"record", "record_refusal", "_require_reader"}


class CodeBase:
    """The modules of xueji/: their string constants, functions and calls, to follow an action code from the
    audit call back to the literals it is built from."""

    def __init__(self, root: pathlib.Path):
        self.constants: dict[pathlib.Path, dict[str, str]] = {}
        self.functions: dict[str, list[pathlib.Path]] = {}
        self.calls: list[tuple[pathlib.Path, ast.FunctionDef | None, ast.Call]] = []
        for path in sorted(root.rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            self.constants[path] = {target.id: node.value.value for node in tree.body
                                    if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                                    and isinstance(node.value.value, str)
                                    for target in node.targets if isinstance(target, ast.Name)}
            self._walk(path, tree, None)

    def _walk(self, path, node, function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                self.functions.setdefault(child.name, []).append(path)
                self._walk(path, child, child)
                continue
            if isinstance(child, ast.Call):
                self.calls.append((path, function, child))
            self._walk(path, child, function)

    def callers(self, path, function):
        """Calls of `function` (defined in `path`): bare calls in its module, or module.function(...) elsewhere
        when another module defines a function of the same name."""
        ambiguous = len(self.functions.get(function.name, [])) > 1
        for call_path, caller, call in self.calls:
            func = call.func
            if isinstance(func, ast.Name) and func.id == function.name and (call_path == path or not ambiguous):
                yield call_path, caller, call
            elif isinstance(func, ast.Attribute) and func.attr == function.name:
                owner = func.value.id if isinstance(func.value, ast.Name) else ""
                if not ambiguous or owner == path.stem or call_path == path:
                    yield call_path, caller, call

    def values(self, path, function, expr, depth=0) -> tuple[set[str], list[str]]:
        """The strings `expr` can be, and the places where that could not be worked out."""
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return {expr.value}, []
        if isinstance(expr, ast.JoinedStr):
            parts, unknown = [], []
            for part in expr.values:
                if isinstance(part, ast.Constant):
                    parts.append({part.value})
                else:
                    found, missing = self.values(path, function, part.value, depth)
                    parts.append(found)
                    unknown += missing
            return {"".join(p) for p in itertools.product(*parts)}, unknown
        if isinstance(expr, ast.Name) and depth < 5:
            if function is not None and (param := _parameter(function, expr.id)) is not None:
                return self._argument_values(path, function, expr.id, param, depth)
            if expr.id in self.constants[path]:
                return {self.constants[path][expr.id]}, []
        return set(), [f"{path.relative_to(ROOT.parent)}:{expr.lineno}: {ast.unparse(expr)}"]

    def _argument_values(self, path, function, name, param, depth):
        index, default = param
        found, unknown = set(), []
        if default is not None:
            found, unknown = self.values(path, None, default, depth + 1)
        for call_path, caller, call in self.callers(path, function):
            arg = next((k.value for k in call.keywords if k.arg == name), None)
            if arg is None and index is not None and index < len(call.args):
                arg = call.args[index]
            if arg is not None:
                more, missing = self.values(call_path, caller, arg, depth + 1)
                found |= more
                unknown += missing
        return found, unknown


def _parameter(function, name):
    """(position or None for keyword-only, default expression or None), or None if not a parameter."""
    args = function.args
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for i, arg in enumerate(positional):
        if arg.arg == name:
            return i, defaults[i]
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        if arg.arg == name:
            return None, default
    return None


def used_actions() -> tuple[set[str], list[str]]:
    code = CodeBase(ROOT)
    actions, unknown = set(), []
    for path, function, call in code.calls:
        name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        if name not in AUDIT_CALLS or (function is not None and function.name in AUDIT_CALLS):
            continue  # a wrapper handing its own parameter on is followed from its callers
        if function is not None and function.name == "write_refusal":
            continue  # writes the action a refusal (record_refusal or a NotFound) already carries
        arg = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "action"),
                                                           None)
        if arg is None:
            continue
        found, missing = code.values(path, function, arg)
        actions |= found
        unknown += missing
    return actions, unknown


def used_object_types() -> set[str]:
    found = set()
    for path in ROOT.rglob("*.py"):
        found |= set(re.findall(r'object_type="([a-z_]+)"', path.read_text(encoding="utf-8")))
    return found


def test_the_scan_finds_the_actions_it_must():
    actions, unknown = used_actions()
    # Literal, module constant, f-string over a parameter, and the status changes of the engine.
    assert {"auth.login", "forms.change_form", "handover.sent", "handover.received", "student.timeline",
            "oversight.dropouts", "student.transfer"} <= actions
    assert unknown == [], "audit actions the scan cannot follow; give them a literal or a constant"


def test_every_action_used_in_the_code_base_has_a_chinese_label():
    actions, _unknown = used_actions()
    missing = sorted(a for a in actions if not CJK.search(labels.action_label(a)) or labels.action_label(a) == "其他操作")
    assert missing == [], f"add these to xueji/audit/labels.py ACTION_LABELS: {missing}"


def test_every_status_change_has_a_label():
    for code, change in registered().items():
        assert labels.action_label(f"student.{code}") == f"学籍异动:{change.label}"


def test_every_object_type_has_a_chinese_label():
    from django.apps import apps

    types = used_object_types() | {m._meta.model_name for m in apps.get_models() if m.__module__.startswith("xueji.")}
    missing = sorted(t for t in types if not CJK.search(labels.object_label(t)) or labels.object_label(t) == "其他对象")
    assert missing == []


def test_an_unknown_code_is_not_shown_as_itself():
    assert labels.action_label("made.up_code") == "其他操作"
    assert labels.object_label("made_up") == "其他对象"


@pytest.mark.django_db
def test_the_audit_page_shows_labels_not_codes(world, client_for, make_student):
    student = make_student()
    audit.record(world.registrar_a, "forms.change_form", object_type="application", object_id="7")
    audit.record(world.registrar_a, "intake.upload", object_type="importbatch", object_id="3")
    audit.record(world.registrar_a, "handover.received", object_type="archivehandover", object_id="4")
    audit.record(world.registrar_a, "student.transfer", obj=student)
    response = client_for(world.auditor).get("/audit/")
    assert response.status_code == 200
    shown = visible_text(response)
    for label in ("打印学籍异动申请表", "上传导入文件", "导入批次", "确认档案已接收", "档案移交", "学籍异动:转学", "申请"):
        assert label in shown
    for code in ("forms.change_form", "importbatch", "intake.upload", "archivehandover", "handover.received",
                 "student.transfer", "student.create"):
        assert code not in shown
    assert internal_words(response, allow={world.registrar_a.username}) == []  # account names are shown
    # The unit is named, not given by its code.
    assert world.school_a.name in shown and not re.search(rf"(?<!\d){world.school_a.pk}(?!\d)", shown)
    # The filter keeps the codes as option values: the same page filtered by a code still works.
    filtered = client_for(world.auditor).get("/audit/", {"action": "forms.change_form"})
    assert [e.action for e in filtered.context["events"]] == ["forms.change_form"]
