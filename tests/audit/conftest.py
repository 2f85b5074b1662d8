import pytest


@pytest.fixture(autouse=True)
def anchor_file(settings, tmp_path):
    """Every audit test writes its external anchor to its own temporary file, never into the checkout."""
    settings.XUEJI_AUDIT_ANCHOR_FILE = str(tmp_path / "audit" / "checkpoints.log")
    return tmp_path / "audit" / "checkpoints.log"
