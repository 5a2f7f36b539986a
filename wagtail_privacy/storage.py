"""Where the package keeps files: PDFs in a storage of the host's, exports in a private one.

Export archives hold a customer's personal data, so they never go to a storage the web server
publishes. Unless the host names a storage of its own, they are kept on disk under
``PRIVATE_ROOT``, a folder beside ``MEDIA_ROOT`` (not inside it) with no URL at all.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages

from .conf import privacy_settings

#: The alias that means "the built-in private folder" unless ``STORAGES`` defines it.
PRIVATE_STORAGE = "wagtail_privacy_private"


class PrivateFileSystemStorage(FileSystemStorage):
    """Files on disk without a URL: served only by views that check who asks."""

    def __init__(self, location):
        super().__init__(
            location=location,
            base_url=None,
            file_permissions_mode=0o600,
            directory_permissions_mode=0o700,
        )

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a view.")


def private_root():
    """``PRIVATE_ROOT``, else ``<MEDIA_ROOT>-private`` beside the media folder."""
    if privacy_settings.PRIVATE_ROOT:
        return Path(privacy_settings.PRIVATE_ROOT).resolve()
    media = Path(settings.MEDIA_ROOT or ".").resolve()
    return media.with_name(f"{media.name}-private")


_private = {}


def get_storage(alias):
    """The storage an alias of the settings names, the built-in private one included."""
    if alias in settings.STORAGES or alias != PRIVATE_STORAGE:
        return storages[alias]
    root = private_root()
    if root not in _private:
        _private[root] = PrivateFileSystemStorage(root)
    return _private[root]


def export_storage():
    return get_storage(privacy_settings.EXPORT_STORAGE)


def pdf_storage():
    return get_storage(privacy_settings.PDF_STORAGE)


def work_dir():
    """A private local folder for files being written (an export before it is stored)."""
    folder = private_root() / "work"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def is_public(storage):
    """Why ``storage`` would let anyone fetch its files, or ``""`` when it does not."""
    location = getattr(storage, "location", None)
    if isinstance(storage, FileSystemStorage) and not isinstance(storage, PrivateFileSystemStorage):
        here = Path(location).resolve()
        for name in ("MEDIA_ROOT", "STATIC_ROOT"):
            root = getattr(settings, name, None)
            if root and here.is_relative_to(Path(root).resolve()):
                return f"its folder {here} is inside {name}, which the web server publishes"
    # django-storages' S3 and the like: public objects, or URLs without a signature.
    if str(getattr(storage, "default_acl", "") or "").startswith("public"):
        return "it writes public objects (default_acl)"
    if getattr(storage, "querystring_auth", True) is False:
        return "its URLs are not signed (querystring_auth is off)"
    return ""
