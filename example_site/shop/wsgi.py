"""WSGI entry point of the demo shop (``gunicorn shop.wsgi`` from ``example_site/``)."""

import os
import sys
from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent.parent
for directory in (SITE_DIR.parent, SITE_DIR):
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
