"""Deactivation, deletion with a grace period, and erasure source by source.

Erasure runs every registered source in order; each source's erasure is committed together
with its ``ErasureStep``, so a crash resumes where it stopped and no source runs twice. The
receipt (deleted / anonymised / held until when and why) is emailed before the user row, and
so the address, is erased, and kept with the request without personal data.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from ..conf import privacy_settings
from ..exceptions import NotFound, PrivacyError
from ..notices.audience import customer_languages
from . import ledger
from .models import (
    AccountClosure,
    ClosureKind,
    ClosureState,
    ErasureStep,
    RequestChannel,
    RequestKind,
    RequestStatus,
)
from .registry import registry

REACTIVATE_SALT = "wagtail_privacy.reactivate"


class DeletionBlocked(PrivacyError):
    code = "deletion_blocked"
    status = 409


def active_closure(user):
    return AccountClosure.objects.filter(user=user, state__in=ClosureState.active_values()).first()


def blockers(user):
    """Every reason the account cannot be deleted yet, from every source."""
    found = []
    for source in registry.sources():
        for blocker in source.blockers(user):
            found.append(
                {"source": source.name, "code": blocker.code, "message": str(blocker.message)}
            )
    return found


def _email(user, template, context):
    address = getattr(user, user.get_email_field_name(), "")
    if not address:
        return False
    language = customer_languages([user])[user.pk]
    with translation.override(language):
        context = {"shop_name": privacy_settings.shop_name, **context}
        subject = " ".join(
            render_to_string(f"wagtail_privacy/emails/{template}_subject.txt", context).split()
        )
        body = render_to_string(f"wagtail_privacy/emails/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    return True


def _date(value):
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT")


def reactivation_token(closure):
    return signing.dumps({"c": closure.pk}, salt=REACTIVATE_SALT)


def reactivation_url(closure):
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    path = reverse("wagtail_privacy:reactivate", kwargs={"token": reactivation_token(closure)})
    return (site.root_url if site else "").rstrip("/") + path


def _open(user, kind, days, request_kind, now):
    """Deactivate ``user`` and schedule the erasure, or raise if one is already under way."""
    try:
        with transaction.atomic():
            request = ledger.open_request(
                kind=request_kind,
                channel=RequestChannel.SELF_SERVICE,
                user=user,
                received_at=now,
            )
            closure = AccountClosure.objects.create(
                user=user,
                request=request,
                kind=kind,
                state=ClosureState.SCHEDULED,
                created_at=now,
                scheduled_for=now + timedelta(days=days),
            )
            get_user_model()._default_manager.filter(pk=user.pk).update(is_active=False)
    except IntegrityError:
        raise PrivacyError(
            _("Your account is already being closed."), code="closure_pending", status=409
        ) from None
    return closure


def deactivate(user, now=None):
    """Disable the account at once; erase it after ``DEACTIVATED_RETENTION_DAYS``."""
    now = now or timezone.now()
    closure = _open(
        user,
        ClosureKind.DEACTIVATION,
        privacy_settings.DEACTIVATED_RETENTION_DAYS,
        RequestKind.DEACTIVATION,
        now,
    )
    ledger.set_status(closure.request, RequestStatus.COMPLETED, outcome=_("Account deactivated."))
    from ..signals import account_deactivated

    account_deactivated.send(sender=AccountClosure, closure=closure)
    transaction.on_commit(
        lambda: _email(
            user,
            "deactivated",
            {
                "until": _date(closure.scheduled_for),
                "reactivate_url": reactivation_url(closure),
            },
        )
    )
    return closure


def request_deletion(user, now=None):
    """Check blockers, then deactivate and schedule erasure after ``DELETION_GRACE_DAYS``."""
    now = now or timezone.now()
    found = blockers(user)
    if found:
        raise DeletionBlocked(_("Your account cannot be deleted yet."), params={"blockers": found})
    closure = _open(
        user, ClosureKind.DELETION, privacy_settings.DELETION_GRACE_DAYS, RequestKind.ERASURE, now
    )
    ledger.set_status(closure.request, RequestStatus.IN_PROGRESS)
    transaction.on_commit(
        lambda: _email(
            user,
            "deletion_scheduled",
            {
                "date": _date(closure.scheduled_for),
                "reactivate_url": reactivation_url(closure),
            },
        )
    )
    return closure


def cancel(closure, now=None):
    """Stop a scheduled erasure and make the account usable again."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = AccountClosure.objects.filter(
            pk=closure.pk, state__in=[ClosureState.WARNED, ClosureState.SCHEDULED]
        ).update(state=ClosureState.CANCELLED, cancelled_at=now)
        if not updated:
            raise PrivacyError(
                _("This account can no longer be reactivated."),
                code="closure_not_cancellable",
                status=409,
            )
        if closure.user_id:
            get_user_model()._default_manager.filter(pk=closure.user_id).update(is_active=True)
        if closure.request and closure.request.is_open:
            ledger.set_status(
                closure.request, RequestStatus.CANCELLED, note=_("Cancelled by the customer.")
            )
    return closure


def reactivate(token):
    """Cancel the closure a reactivation link names (deactivation or pending deletion)."""
    max_age = timedelta(
        days=max(privacy_settings.DEACTIVATED_RETENTION_DAYS, privacy_settings.DELETION_GRACE_DAYS)
        + 1
    )
    try:
        data = signing.loads(token, salt=REACTIVATE_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise PrivacyError(_("This link has expired."), code="link_expired", status=410) from None
    except signing.BadSignature:
        raise PrivacyError(_("This link is not valid."), code="invalid_token", status=400) from None
    closure = AccountClosure.objects.select_related("request").filter(pk=data.get("c")).first()
    if closure is None:
        raise NotFound(_("This link is not valid."), code="invalid_token")
    if closure.state == ClosureState.CANCELLED:
        return closure  # already reactivated: the link is harmless
    return cancel(closure)


def erase(closure_id, now=None):
    """Erase the account of a due closure; resumable and idempotent."""
    now = now or timezone.now()
    claimed = AccountClosure.objects.filter(
        pk=closure_id,
        state__in=[ClosureState.SCHEDULED, ClosureState.ERASING],
        scheduled_for__lte=now,
    ).update(state=ClosureState.ERASING)
    if not claimed:
        return None
    closure = AccountClosure.objects.select_related("user", "request").get(pk=closure_id)
    user = closure.user
    if user is not None:
        done = set(closure.steps.values_list("source", flat=True))
        for source in registry.sources():
            if source.name in done:
                continue
            with transaction.atomic():
                result = source.erase(user)
                ErasureStep.objects.create(
                    closure=closure,
                    source=source.name,
                    done_at=timezone.now(),
                    result={
                        "label": str(source.label),
                        "deleted": result.deleted,
                        "anonymised": result.anonymised,
                        "held": [
                            {
                                "reason": h.reason,
                                "count": h.count,
                                "until": h.until.isoformat() if h.until else None,
                            }
                            for h in result.held
                        ],
                    },
                )
        closure.receipt = {s.source: s.result for s in closure.steps.order_by("pk")}
        closure.save(update_fields=["receipt"])
        if closure.receipt_sent_at is None:
            _email(user, "erasure_receipt", {"receipt": _readable(closure.receipt)})
            closure.receipt_sent_at = timezone.now()
            closure.save(update_fields=["receipt_sent_at"])
        _erase_user(user)
    with transaction.atomic():
        closure.refresh_from_db()
        closure.state = ClosureState.ERASED
        closure.erased_at = timezone.now()
        closure.save(update_fields=["state", "erased_at"])
        if closure.request is not None:
            ledger.set_status(
                closure.request, RequestStatus.COMPLETED, outcome=_("Account erased; receipt sent.")
            )
    from ..signals import account_erased

    account_erased.send(sender=AccountClosure, closure=closure)
    return closure


def _readable(receipt):
    lines = []
    for result in receipt.values():
        lines.append(
            {
                "label": result["label"],
                "deleted": result["deleted"],
                "anonymised": result["anonymised"],
                "held": [
                    {**h, "until": _date(datetime.fromisoformat(h["until"])) if h["until"] else ""}
                    for h in result["held"]
                ],
            }
        )
    return lines


def _erase_user(user):
    # Sessions need no sweep: Django refuses sessions of inactive or deleted users.
    if privacy_settings.ERASE_USER == "anonymise":
        User = get_user_model()
        fields = {User.USERNAME_FIELD: f"erased-{user.pk}", User.get_email_field_name(): ""}
        for name in ("first_name", "last_name"):
            if any(f.name == name for f in User._meta.get_fields()):
                fields[name] = ""
        User._default_manager.filter(pk=user.pk).update(is_active=False, **fields)
        user.refresh_from_db()
        user.set_unusable_password()
        user.save(update_fields=["password"])
    else:
        get_user_model()._default_manager.filter(pk=user.pk).delete()


def send_warnings(now, dry_run=False):
    """Warn customers ``ERASURE_WARNING_DAYS`` before a deactivated account is erased."""
    due = AccountClosure.objects.filter(
        kind=ClosureKind.DEACTIVATION,
        state=ClosureState.SCHEDULED,
        warned_at__isnull=True,
        scheduled_for__lte=now + timedelta(days=privacy_settings.ERASURE_WARNING_DAYS),
    ).select_related("user")
    if dry_run:
        return due.count()
    sent = 0
    for closure in due:
        if closure.user and _email(
            closure.user,
            "erasure_warning",
            {
                "date": _date(closure.scheduled_for),
                "reactivate_url": reactivation_url(closure),
            },
        ):
            sent += 1
        AccountClosure.objects.filter(pk=closure.pk).update(warned_at=now)
    return sent


def due_erasures(now):
    return AccountClosure.objects.filter(
        state__in=[ClosureState.SCHEDULED, ClosureState.ERASING], scheduled_for__lte=now
    )
