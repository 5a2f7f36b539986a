"""Customer data exports: requested through the API, built in the background as a ZIP.

The ZIP holds ``data.json`` (every source, keyed by field names; schema in
``export.schema.json``), one CSV per source (UTF-8 with a byte order mark, so spreadsheet
programs read accents right; columns named for people) and ``index.html`` for people, with the
Art. 15 information and each source's records as tables (see ``export_html``). All of it is
in the customer's language. Records are streamed from the database to the file, so memory
stays flat however much data a customer has.
"""

import io
import json
import re
import shutil
import time
import uuid
import zipfile
from datetime import timedelta
from numbers import Number
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .. import information, mail
from ..conf import privacy_settings
from ..exceptions import NotFound, PrivacyError
from ..i18n import customer_languages
from ..sources import registry
from ..spreadsheets import SafeWriter
from ..storage import export_storage, work_dir
from . import export_html, ledger
from .models import DataExport, ExportStatus, RequestChannel, RequestKind, RequestStatus

SCHEMA_PATH = Path(__file__).with_name("export.schema.json")
LINK_SALT = "wagtail_privacy.export.download"
FORMAT = "wagtail-privacy-export"


class RateLimited(PrivacyError):
    code = "rate_limited"
    status = 429


def _storage():
    return export_storage()


def request_export(user, now=None, *, proof=None, request=None):
    """Start an export for ``user``: at most one per ``EXPORT_RATE_LIMIT`` seconds.

    Needs a fresh step-up: ``proof`` is ``verification.service.step_up_proof(request)``, or
    ``without_step_up(reason)`` for staff, periodic work and tests; else ``StepUpRequired``.
    An export whose worker died does not count against the limit: it is built again (or, out
    of attempts, marked failed) before the limit is checked. ``request``: the ledger's
    request staff run it for (else a self-service one is opened, or carried on after a failed
    export).
    """
    from ..verification.service import check_step_up

    check_step_up(user, proof)
    now = now or timezone.now()
    window = timedelta(seconds=privacy_settings.EXPORT_RATE_LIMIT)
    # Kept even when the limit refuses below: the dead job is queued again.
    with transaction.atomic():
        recover(DataExport.objects.filter(user=user), now)
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
        # Asking again after a failed export carries on with the same request in the ledger.
        failed = (
            None
            if request is not None
            else (
                DataExport.objects.filter(
                    user=user,
                    status=ExportStatus.FAILED,
                    request__status__in=RequestStatus.open_values(),
                )
                .select_related("request")
                .order_by("-created_at")
                .first()
            )
        )
        if failed is not None:
            request = failed.request
            DataExport.objects.filter(pk=failed.pk).update(request=None)
        elif request is None:
            request = ledger.open_request(
                kind=RequestKind.ACCESS,
                channel=RequestChannel.SELF_SERVICE,
                user=user,
                received_at=now,
            )
        export = DataExport.objects.create(
            user=user, request=request, created_at=now, enqueued_at=now
        )
        _enqueue(export.pk)
    return export


def _enqueue(export_id):
    from .tasks import build_export_task

    transaction.on_commit(lambda: build_export_task.enqueue(str(export_id)))


_ENCODER = DjangoJSONEncoder()


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, dict)):  # JSON values a source may hold: as JSON
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    encoded = _ENCODER.default(value) if not isinstance(value, (str, int, float)) else value
    return str(encoded)


class _SourceFiles:
    """Where one read of a source goes besides data.json: its CSV file and the rows of its
    index table (the first ``INDEX_ROWS``), in a scratch folder until the archive takes them."""

    def __init__(self, scratch, source, columns):
        self.source, self.columns = source, columns
        self.csv_path = scratch / f"{source.name}.csv"
        self.rows_path = scratch / f"{source.name}.rows.html"
        self.fields = [column.name for column in columns]
        # utf-8-sig: the byte order mark tells spreadsheet programs the file is UTF-8.
        self.csv = self.csv_path.open("w", encoding="utf-8-sig", newline="")
        self.rows = self.rows_path.open("w", encoding="utf-8")
        # What customers typed (names, addresses, user agents) must not run as a formula.
        self.writer = SafeWriter(self.csv, [column.label for column in columns])
        self.writer.writeheader()
        self.count = 0

    def add(self, record):
        self.writer.writerow([_cell(record.get(name)) for name in self.fields])
        if self.count < export_html.INDEX_ROWS:
            self.rows.write(export_html.table_row(record, self.columns))
        self.count += 1

    def close(self):
        self.csv.close()
        self.rows.close()


def _cell(value):
    # A number stays one in the CSV (a negative one is no formula); the rest is text.
    if isinstance(value, Number) and not isinstance(value, bool):
        return value
    return _plain(value)


def _write_sources(archive, subject, read, sources, columns, generated_at, scratch, heartbeat):
    """data.json, streamed into the archive, with each source read once (``read(source)``):
    every record also goes to the source's CSV file and index rows in ``scratch``. Returns the
    ``_SourceFiles``."""
    files = []
    with (
        archive.open("data.json", "w", force_zip64=True) as raw,
        io.TextIOWrapper(raw, encoding="utf-8") as out,
    ):
        head = {
            "format": FORMAT,
            "version": 1,
            "generated_at": generated_at.isoformat(),
            "subject": subject,
            "information": {
                key: value for key, value in information.information().items() if key != "sources"
            },
        }
        out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "sources": [')
        for index, source in enumerate(sources):
            described = json.dumps(information.describe(source), ensure_ascii=False)
            out.write(("," if index else "") + described[:-1] + ', "records": [')
            copies = _SourceFiles(scratch, source, columns[source.name])
            files.append(copies)
            try:
                for record in read(source):
                    out.write(
                        ("," if copies.count else "")
                        + json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False)
                    )
                    copies.add(record)
                    heartbeat()
            finally:
                copies.close()
            out.write("]}")
        out.write("]}")
    return files


def _write_index(archive, files, generated_at, language):
    """index.html: the page is rendered with a marker where each source's records go, then
    written piece by piece with each source's table copied in between."""
    marker = f"<!--records {uuid.uuid4().hex} "
    page = render_to_string(
        "wagtail_privacy/rights/export_index.html",
        {
            "sources": [
                {
                    "info": information.describe(f.source),
                    "count": f.count,
                    "file": f"{f.source.name}.csv",
                    # Where the records go: made here, holding no data.
                    "records": mark_safe(f"{marker}{index}-->"),
                }
                for index, f in enumerate(files)
            ],
            "generated_at": generated_at,
            "shop_name": privacy_settings.shop_name,
            "controller_name": privacy_settings.controller_name,
            "controller": information.controller(),
            "authority": information.authority(),
            "automated_decisions": information.automated_decisions(),
            "language": language,
        },
    )
    pieces = re.split(re.escape(marker) + r"(\d+)-->", page)
    with (
        archive.open("index.html", "w", force_zip64=True) as raw,
        io.TextIOWrapper(raw, encoding="utf-8") as out,
    ):
        for position, piece in enumerate(pieces):
            if position % 2 == 0:
                out.write(piece)
                continue
            f = files[int(piece)]
            if not f.count:
                continue  # no records: no empty table
            out.write(export_html.table_start(f.source, f.columns, f.count, f"{f.source.name}.csv"))
            with f.rows_path.open(encoding="utf-8") as rows:
                shutil.copyfileobj(rows, out)
            out.write(export_html.TABLE_END)


def build_archive(user, path, now=None, heartbeat=None):
    """Write the export ZIP of ``user`` to ``path``; return the record count per source.

    Each source is read once (data.json, its CSV file and its index table come from the same
    records, so they cannot disagree). ``heartbeat()``, when given, is called as records are
    written (it may raise to stop).
    """
    language = customer_languages([user])[user.pk]
    subject = {"id": str(user.pk)}
    return _build_archive(
        path, subject, lambda source: source.records(user), language, now, heartbeat
    )


def build_guest_archive(email, reference, path, language, now=None, heartbeat=None):
    """The export ZIP of the guest who confirmed ``email``: every source's records found by
    that address (``records_for_email``), as ``build_archive`` writes an account's."""
    subject = {"id": f"guest-{reference}", "email": email}
    read = lambda source: source.records_for_email(email)  # noqa: E731
    return _build_archive(path, subject, read, language, now, heartbeat)


def _build_archive(path, subject, read, language, now, heartbeat):
    now = now or timezone.now()
    heartbeat = heartbeat or (lambda: None)
    sources = registry.sources()
    scratch = parts_path(path)
    shutil.rmtree(scratch, ignore_errors=True)  # what a killed attempt left
    scratch.mkdir(parents=True)
    try:
        with (
            translation.override(language),
            zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            columns = {source.name: export_html.columns(source) for source in sources}
            files = _write_sources(
                archive, subject, read, sources, columns, now, scratch, heartbeat
            )
            for f in files:
                archive.write(f.csv_path, f"{f.source.name}.csv")
                heartbeat()
            _write_index(archive, files, now, language)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {f.source.name: f.count for f in files}


def parts_path(path):
    """The scratch folder beside the archive ``path`` (its CSV files and index rows while it
    is written): named after it, so whoever removes a killed worker's archive removes it too."""
    path = Path(path)
    return path.with_name(f"{path.stem}.parts")


class ClaimLost(Exception):
    """Another worker took the export over: this one stops without touching it."""


class _Heartbeat:
    """Shows the export's claim is alive, at most every quarter of ``EXPORT_STALE_SECONDS``."""

    def __init__(self, export_id, token):
        self.export_id, self.token = export_id, token
        self.every = privacy_settings.EXPORT_STALE_SECONDS / 4
        self.last = time.monotonic()

    def __call__(self):
        if time.monotonic() - self.last < self.every:
            return
        self.last = time.monotonic()
        alive = DataExport.objects.filter(pk=self.export_id, claim=self.token).update(
            heartbeat_at=timezone.now()
        )
        if not alive:
            raise ClaimLost(self.export_id)


def work_path(export_id):
    """Where the archive is written before it is stored: one name per export, so a file a
    killed worker left behind is found and removed."""
    return work_dir() / f"export-{export_id}.zip"


def _remove_work_file(export_id):
    path = work_path(export_id)
    path.unlink(missing_ok=True)
    shutil.rmtree(parts_path(path), ignore_errors=True)


def _claim(export_id, now):
    """Take the export for this worker: (token, export) or (None, export as it stands)."""
    token = uuid.uuid4()
    stale = now - timedelta(seconds=privacy_settings.EXPORT_STALE_SECONDS)
    taken = (
        DataExport.objects.filter(pk=export_id, attempts__lt=privacy_settings.EXPORT_MAX_ATTEMPTS)
        .filter(
            Q(status=ExportStatus.PENDING)
            | Q(status=ExportStatus.RUNNING, heartbeat_at__lt=stale)
            | Q(status=ExportStatus.RUNNING, heartbeat_at__isnull=True)
        )
        .update(
            status=ExportStatus.RUNNING,
            claim=token,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
        )
    )
    export = DataExport.objects.select_related("user", "request").filter(pk=export_id).first()
    return (token if taken else None), export


def build(export_id):
    """Build an export; a no-op when it is built or another worker is building it.

    A worker that dies midway leaves the claim to go stale; the export is then built again
    from the start, by whichever worker ``recover`` hands it to.
    """
    now = timezone.now()
    token, export = _claim(export_id, now)
    if token is None:
        return export
    if export.request is not None and export.request.status == RequestStatus.RECEIVED:
        ledger.set_status(export.request, RequestStatus.IN_PROGRESS)
    path = work_path(export.pk)
    name = f"wagtail_privacy/exports/{export.pk}.zip"
    try:
        beat = _Heartbeat(export.pk, token)
        if export.user is None:  # a guest's, by the address they confirmed
            request = export.request
            language = guest_language(request)
            counts = build_guest_archive(
                export.email, request.reference if request else export.pk, path, language, now, beat
            )
        else:
            counts = build_archive(export.user, path, now, heartbeat=beat)
        size = path.stat().st_size
        storage = _storage()
        storage.delete(name)  # what an interrupted attempt may have stored
        with path.open("rb") as handle:
            name = storage.save(name, File(handle, name=f"{export.pk}.zip"))
    except ClaimLost:
        return DataExport.objects.filter(pk=export.pk).first()
    except Exception as error:
        _attempt_failed(export, token, type(error).__name__)
        raise
    finally:
        path.unlink(missing_ok=True)
    finished = timezone.now()
    done = DataExport.objects.filter(pk=export.pk, claim=token).update(
        status=ExportStatus.READY,
        file=name,
        size=size,
        record_count=sum(counts.values()),
        finished_at=finished,
        expires_at=finished + timedelta(days=privacy_settings.EXPORT_RETENTION_DAYS),
        claim=None,
    )
    export.refresh_from_db()
    if not done:
        return export  # taken over meanwhile: the other worker finishes it
    if export.user is None:
        notify_guest_ready(export)
        if export.request is not None:
            ledger.set_status(
                export.request,
                RequestStatus.COMPLETED,
                outcome=_("Export link sent to the verified email address."),
            )
    else:
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


def _attempt_failed(export, token, reason):
    """After a failed attempt: queued again later, or failed for good when out of attempts."""
    mine = DataExport.objects.filter(pk=export.pk, claim=token)
    if export.attempts >= privacy_settings.EXPORT_MAX_ATTEMPTS:
        if mine.update(status=ExportStatus.FAILED, failure_reason=reason[:500], claim=None):
            _record_failure(export, reason)
    else:
        # privacy_tick queues it again after EXPORT_STALE_SECONDS: a pause before the retry.
        mine.update(
            status=ExportStatus.PENDING,
            failure_reason=reason[:500],
            claim=None,
            enqueued_at=timezone.now(),
        )


def _record_failure(export, reason):
    if export.request is not None and export.request.is_open:
        ledger.add_note(
            export.request,
            _("The export failed (%(reason)s); the customer can ask again.") % {"reason": reason},
        )


def recover(exports, now, dry_run=False):
    """Exports whose worker died or whose task was lost: queued again, or failed when out of
    attempts. Returns (requeued, failed)."""
    stale = now - timedelta(seconds=privacy_settings.EXPORT_STALE_SECONDS)
    dead = Q(status=ExportStatus.RUNNING) & (Q(heartbeat_at__lt=stale) | Q(heartbeat_at=None))
    lost = Q(status=ExportStatus.PENDING) & (Q(enqueued_at__lt=stale) | Q(enqueued_at=None))
    maximum = privacy_settings.EXPORT_MAX_ATTEMPTS
    out_of_attempts = exports.filter(dead, attempts__gte=maximum)
    again = exports.filter(dead | lost, attempts__lt=maximum)
    if dry_run:
        return again.count(), out_of_attempts.count()
    failed = 0
    for export in out_of_attempts.select_related("request"):
        if DataExport.objects.filter(dead, pk=export.pk).update(
            status=ExportStatus.FAILED, failure_reason="worker_lost", claim=None
        ):
            _remove_work_file(export.pk)
            _record_failure(export, "worker_lost")
            failed += 1
    ids = list(again.values_list("pk", flat=True))
    for pk in ids:
        _remove_work_file(pk)
    # Running ones go back to pending: their claim is void, the next build takes it afresh.
    DataExport.objects.filter(pk__in=ids).update(
        status=ExportStatus.PENDING, claim=None, enqueued_at=now
    )
    for pk in ids:
        _enqueue(pk)
    return len(ids), failed


def remove_orphan_work_files():
    """Partial archives left by a killed worker: untouched for ``EXPORT_STALE_SECONDS``."""
    # A live build writes its file continuously; an old file has no worker behind it.
    cutoff = time.time() - privacy_settings.EXPORT_STALE_SECONDS
    removed = 0
    for path in work_dir().glob("export-*.zip"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            pass
    return removed


def delete_files(export_ids):
    """Every file of these exports: stored archives and partial ones (erasure)."""
    storage = _storage()
    for pk in export_ids:
        storage.delete(f"wagtail_privacy/exports/{pk}.zip")
        _remove_work_file(pk)


def notify_ready(export):
    user = export.user
    language = customer_languages([user])[user.pk]
    with translation.override(language):
        context = {
            "expires": mail.local_date(export.expires_at),
            "account_url": privacy_settings.ACCOUNT_URL,
        }
    return mail.send(mail.email_address(user), "export_ready", context, language)


# --- Guests' exports: the link goes to the verified address only -------------------------

GUEST_LINK_SALT = "wagtail_privacy.export.guest_download"


def guest_language(request):
    from ..i18n import default_language

    return (request.language if request is not None else "") or default_language()


def guest_download_link(export):
    """The emailed link to a guest's export: signed, bound to the export and its request,
    valid as long as the file is kept (``EXPORT_RETENTION_DAYS``). It names no address."""
    from ..mail import site_root

    reference = str(export.request.reference) if export.request_id else ""
    token = signing.dumps({"e": str(export.pk), "r": reference}, salt=GUEST_LINK_SALT)
    url = reverse("wagtail_privacy_api:guest_export_download", kwargs={"export_id": export.pk})
    return f"{site_root()}{url}?token={token}"


def check_guest_link(export_id, token):
    """The guest export a download link opens, or a refusal with a stable code."""
    max_age = timedelta(days=privacy_settings.EXPORT_RETENTION_DAYS, hours=1)
    invalid = PrivacyError(_("This download link is not valid."), code="invalid_link", status=403)
    try:
        data = signing.loads(token or "", salt=GUEST_LINK_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise PrivacyError(
            _("This download link has expired."), code="link_expired", status=410
        ) from None
    except signing.BadSignature:
        raise invalid from None
    if not isinstance(data, dict) or data.get("e") != str(export_id):
        raise invalid
    export = (
        DataExport.objects.select_related("request").filter(pk=export_id, user__isnull=True).first()
    )
    if export is None or str(export.request.reference if export.request else "") != data.get("r"):
        raise invalid
    return downloadable(export)


def notify_guest_ready(export):
    language = guest_language(export.request)
    with translation.override(language):
        context = {
            "expires": mail.local_date(export.expires_at),
            "download_url": guest_download_link(export),
        }
    return mail.send(export.email, "guest_export_ready", context, language)


# --- end of guests' exports ------------------------------------------------------------


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
    return downloadable(export)


def free_request_export(request):
    """Before a request's export is built: refused (``export_exists``) while one is being
    prepared or was sent; a failed one is detached, so the request can try again."""
    existing = DataExport.objects.select_for_update().filter(request=request).first()
    if existing is not None and existing.status != ExportStatus.FAILED:
        raise PrivacyError(
            _("This request's export is already being prepared or was sent."),
            code="export_exists",
            status=409,
        )
    if existing is not None:
        DataExport.objects.filter(pk=existing.pk).update(request=None)


def downloadable(export):
    """``export`` when its file can be downloaded; otherwise the refusal, with its code."""
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
    storage = _storage()
    for export in due.iterator():
        if export.file:
            storage.delete(export.file)
        DataExport.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED, file="")
        count += 1
    return count
