"""The engine (xueji/applications) and the record (xueji/students) import no capability: a capability registers
its change types, counts and tests with them instead (design.md; the import circle this replaced hid bugs)."""

import ast
import pathlib

import xueji

ROOT = pathlib.Path(xueji.__file__).parent
# What the engine and the record may build on: the tree, the rules, the audit, the calendar, accounts and the
# shared web and API plumbing. Everything else under xueji/ is a capability.
FOUNDATION = {"core", "orgs", "policy", "audit", "workdays", "accounts", "students", "applications", "web", "api",
              "settings"}


def _imported_packages(path: pathlib.Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "xueji" and len(parts) > 1:
                yield parts[1], node.lineno


def test_engine_and_record_import_no_capability():
    offending = []
    for package in ("applications", "students"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for imported, line in _imported_packages(path):
                if imported not in FOUNDATION:
                    offending.append(f"{path.relative_to(ROOT)}:{line} imports xueji.{imported}")
    assert offending == []
