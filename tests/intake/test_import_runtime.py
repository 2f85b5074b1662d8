"""The interpreter settings an import changes are put back when the last import of the process ends."""

import gc
import sys

from xueji.intake.importer import _import_runtime


def test_settings_are_restored_after_one_import():
    before = (gc.isenabled(), sys.getswitchinterval())
    with _import_runtime():
        assert not gc.isenabled() and sys.getswitchinterval() < before[1]
    assert (gc.isenabled(), sys.getswitchinterval()) == before


def test_two_overlapping_imports_restore_only_when_both_are_done():
    before = (gc.isenabled(), sys.getswitchinterval())
    first, second = _import_runtime(), _import_runtime()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first one ends while the second still runs
    assert not gc.isenabled() and sys.getswitchinterval() < before[1]
    second.__exit__(None, None, None)
    assert (gc.isenabled(), sys.getswitchinterval()) == before
