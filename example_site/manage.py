#!/usr/bin/env python
"""Command-line utility of the Lipa & Co. demo shop.

Works from any directory, e.g. ``python example_site/manage.py load_demo`` from the repo root.
"""

import os
import sys
from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent
REPO_DIR = SITE_DIR.parent


def main():
    # The demo project (``shop``) and the app under development (``wagtail_privacy``).
    for directory in (REPO_DIR, SITE_DIR):
        if str(directory) not in sys.path:
            sys.path.insert(0, str(directory))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
