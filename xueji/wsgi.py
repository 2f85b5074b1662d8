"""WSGI entry point for gunicorn (`xueji serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xueji.settings")
application = get_wsgi_application()
