"""Settings for the served-process test: the project's own, with static files copied but not compressed
(brotli at its highest level spends tens of seconds on the API docs' bundles)."""

from xueji.settings import *  # noqa: F403
from xueji.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
