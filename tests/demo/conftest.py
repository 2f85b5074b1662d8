import pytest
from django.db import connections


@pytest.fixture(autouse=True)
def keep_test_connection(monkeypatch):
    """A command run from the command line closes every connection when it ends; inside a test that would close
    the connection holding the test's transaction (PostgreSQL), so the close is skipped here."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    # The demo's autumn import stores its spreadsheet as an upload: in a temporary folder, not the checkout's var/.
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
