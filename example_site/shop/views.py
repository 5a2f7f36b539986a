"""The headless storefront: static files that talk to the JSON API only."""

from pathlib import Path

from django.http import FileResponse, Http404

STOREFRONT_DIR = Path(__file__).resolve().parent / "static" / "storefront"
STOREFRONT_FILES = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}


def storefront(request, filename="index.html"):
    """Serve the storefront's few files, with or without DEBUG and ``collectstatic``."""
    content_type = STOREFRONT_FILES.get(filename)
    if content_type is None:
        raise Http404("No such storefront file.")
    response = FileResponse((STOREFRONT_DIR / filename).open("rb"), content_type=content_type)
    response["Cache-Control"] = "no-cache"
    return response
