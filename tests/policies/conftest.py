import pytest


@pytest.fixture
def storage(settings, tmp_path):
    """Rendered PDFs in a folder of this test's own."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path
