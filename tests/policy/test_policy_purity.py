"""The policy package stays pure Python: no Django, and nothing read from outside the repo."""

import re
import subprocess
import sys
from pathlib import Path

import xueji.policy

PACKAGE = Path(xueji.policy.__file__).parent
DJANGO_IMPORT = re.compile(r"^\s*(import|from)\s+django\b", re.MULTILINE)


def test_no_module_imports_django_or_reads_the_shared_folder():
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not DJANGO_IMPORT.search(text), path
        assert "/work/shared" not in text, path


def test_importing_every_module_loads_no_django():
    modules = [
        f"xueji.policy.{name}"
        for name in ("areas", "codes", "fields", "idcard", "province", "record", "student_number", "values")
    ]
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules)
    code += "import xueji.policy.areas as a; a.is_known_area('140105')\n"
    code += (
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django imported'\n"
    )
    root = PACKAGE.parent.parent
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)
