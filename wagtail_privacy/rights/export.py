"""Customer data exports: requested through the API, built in the background as a ZIP.

The ZIP holds ``data.json`` (every source; schema in ``export.schema.json``), one CSV per
source and ``index.html`` for people, with the Art. 15 information. Records are streamed
from the database to the file, so memory stays flat however much data a customer has.
"""

import csv
import io
import json
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files import File
from django.core.files.storage import storages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import mail
from ..conf import privacy_settings
from ..exceptions import NotFound, PrivacyError
from ..notices.audience import customer_languages
from . import ledger
from .models import DataExport, ExportStatus, RequestChannel, RequestKind, RequestStatus
from .registry import registry

SCHEMA_PATH = Path(__file__).with_name("export.schema.json")
LINK_SALT = "wagtail_privacy.export.download"
FORMAT = "wagtail-privacy-export"


class RateLimited(PrivacyError):
    code = "rate_limited"
    status = 429


def _storage():
    return storages[privacy_settings.EXPORT_STORAGE]


def request_export(user, now=None):
    """Start an export for ``user``: at most one per ``EXPORT_RATE_LIMIT`` seconds."""
    from .tasks import build_export_task

    now = now or timezone.now()
    window = timedelta(seconds=privacy_settings.EXPORT_RATE_LIMIT)
    with transaction.atomic():
        # Lock the customer's row so two simultaneous requests cannot both pass the limit.
        get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()
        last = (
            DataExport.objects.filter(user=user, created_at__gt=now - window)
            .exclude(status=ExportStatus.FAILED)
            .order_by("-created_at")
            .first()
        )
        if last is not None:
            next_at = last.created_at + window
            raise RateLimited(
                _("You can request your next export on %(date)s.")
                % {"date": timezone.localtime(next_at).strftime("%Y-%m-%d %H:%M")},
                params={
                    "next_available_at": next_at.isoformat(),
                    "retry_after": int((next_at - now).total_seconds()) + 1,
                },
            )
        request = ledger.open_request(
            kind=RequestKind.ACCESS,
            channel=RequestChannel.SELF_SERVICE,
            user=user,
            received_at=now,
        )
        export = DataExport.objects.create(user=user, request=request, created_at=now)
        transaction.on_commit(lambda: build_export_task.enqueue(str(export.pk)))
    return export


_ENCODER = DjangoJSONEncoder()


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    encoded = (
        DjangoJSONEncoder().default(value) if not isinstance(value, (str, int, float)) else value
    )
    return str(encoded)


def _write_json(archive, user, sources, generated_at):
    counts = {}
    with (
        archive.open("data.json", "w", force_zip64=True) as raw,
        io.TextIOWrapper(raw, encoding="utf-8") as out,
    ):
        head = {
            "format": FORMAT,
            "version": 1,
            "generated_at": generated_at.isoformat(),
            "subject": {"id": str(user.pk)},
        }
        out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "sources": [')
        for index, source in enumerate(sources):
            described = json.dumps(source.describe(), ensure_ascii=False)
            out.write(("," if index else "") + described[:-1] + ', "records": [')
            count = 0
            for record in source.records(user):
                out.write(
                    ("," if count else "")
                    + json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False)
                )
                count += 1
            out.write("]}")
            counts[source.name] = count
        out.write("]}")
    return counts


def _write_csv(archive, user, source):
    with (
        archive.open(f"{source.name}.csv", "w", force_zip64=True) as raw,
        io.TextIOWrapper(raw, encoding="utf-8", newline="") as out,
    ):
        writer = csv.writer(out)
        fields = list(source.fields)
        writer.writerow(fields)
        for record in source.records(user):
            writer.writerow([_plain(record.get(name)) for name in fields])


def build_archive(user, path, now=None):
    """Write the export ZIP of ``user`` to ``path``; return the record count per source."""
    now = now or timezone.now()
    sources = registry.sources()
    language = customer_languages([user])[user.pk]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        counts = _write_json(archive, user, sources, now)
        for source in sources:
            _write_csv(archive, user, source)
        with translation.override(language):
            index = render_to_string(
                "wagtail_privacy/rights/export_index.html",
                {
                    "sources": [
                        {"info": s.describe(), "count": counts[s.name], "file": f"{s.name}.csv"}
                        for s in sources
                    ],
                    "generated_at": now,
                    "shop_name": privacy_settings.shop_name,
                    "controller_name": privacy_settings.controller_name,
                    "language": language,
                },
            )
        archive.writestr("index.html", index)
    return counts


def build(export_id):
    """Build an export; a no-op when it is already built, a fresh start after a crash."""
    export = DataExport.objects.select_related("user", "request").filter(pk=export_id).first()
    if export is None or export.status in (ExportStatus.READY, ExportStatus.EXPIRED):
        return export
    now = timezone.now()
    DataExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, started_at=now)
    if export.request is not None and export.request.status == RequestStatus.RECEIVED:
        ledger.set_status(export.request, RequestStatus.IN_PROGRESS)
    try:
        with tempfile.NamedTemporaryFile(suffix=".zip") as handle:
            counts = build_archive(export.user, handle.name, now)
            handle.seek(0)
            name = _storage().save(
                f"wagtail_privacy/exports/{export.pk}.zip", File(handle, name=f"{export.pk}.zip")
            )
            size = Path(handle.name).stat().st_size
    except Exception as error:
        DataExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, failure_reason=f"{type(error).__name__}"[:500]
        )
        raise
    finished = timezone.now()
    export.status = ExportStatus.READY
    export.file = name
    export.size = size
    export.record_count = sum(counts.values())
    export.finished_at = finished
    export.expires_at = finished + timedelta(days=privacy_settings.EXPORT_RETENTION_DAYS)
    export.save(
        update_fields=["status", "file", "size", "record_count", "finished_at", "expires_at"]
    )
    if export.request is not None:
        ledger.set_status(
            export.request,
            RequestStatus.COMPLETED,
            outcome=_("Export delivered to the customer's account."),
        )
    notify_ready(export)
    from ..signals import data_exported

    data_exported.send(sender=DataExport, export=export)
    return export


def notify_ready(export):
    user = export.user
    language = customer_languages([user])[user.pk]
    with translation.override(language):
        context = {
            "expires": mail.local_date(export.expires_at),
            "account_url": privacy_settings.ACCOUNT_URL,
        }
    return mail.send(mail.email_address(user), "export_ready", context, language)


def get_export(user, export_id):
    export = DataExport.objects.filter(pk=export_id, user=user).first()
    if export is None:
        raise NotFound(_("There is no such export."), code="unknown_export")
    return export


def download_link(export, now=None):
    """A signed link to the file, valid ``EXPORT_LINK_TTL`` seconds, for its owner only."""
    token = signing.dumps({"e": str(export.pk), "u": str(export.user_id)}, salt=LINK_SALT)
    url = reverse("wagtail_privacy_api:me_export_download", kwargs={"export_id": export.pk})
    expires = (now or timezone.now()) + timedelta(seconds=privacy_settings.EXPORT_LINK_TTL)
    return f"{url}?token={token}", expires


def check_link(user, export_id, token):
    """The export a download link opens, or a refusal with a stable code."""
    try:
        data = signing.loads(token or "", salt=LINK_SALT, max_age=privacy_settings.EXPORT_LINK_TTL)
    except signing.SignatureExpired:
        raise PrivacyError(
            _("This download link has expired: ask for a new one."), code="link_expired", status=410
        ) from None
    except signing.BadSignature:
        raise PrivacyError(
            _("This download link is not valid."), code="invalid_link", status=403
        ) from None
    if data.get("e") != str(export_id) or data.get("u") != str(user.pk):
        raise PrivacyError(_("This download link is not valid."), code="invalid_link", status=403)
    export = get_export(user, export_id)
    if export.status == ExportStatus.EXPIRED:
        raise PrivacyError(
            _("This export has expired and its file was deleted."),
            code="export_expired",
            status=410,
        )
    if export.status != ExportStatus.READY:
        raise PrivacyError(_("This export is not ready yet."), code="export_not_ready", status=409)
    return export


def open_file(export):
    return _storage().open(export.file, "rb")


def expire(now, dry_run=False):
    """Delete the files of exports past their expiry date."""
    due = DataExport.objects.filter(status=ExportStatus.READY, expires_at__lte=now)
    if dry_run:
        return due.count()
    count = 0
    for export in due.iterator():
        if export.file:
            _storage().delete(export.file)
        DataExport.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED, file="")
        count += 1
    return count
