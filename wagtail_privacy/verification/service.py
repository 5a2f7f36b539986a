"""Step-up verification with django-otp: a fresh proof of identity before sensitive actions.

Customers verify with a TOTP app, a code emailed to them, or a backup code. A success is
kept in the session for ``STEP_UP_MAX_AGE`` seconds; wrong codes are throttled per customer, in
the cache ``THROTTLE_CACHE`` that every worker of the site shares.
"""

import secrets
import time
from datetime import UTC, datetime

from django.core.cache import caches
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import mail
from ..conf import privacy_settings
from ..exceptions import PrivacyError
from ..i18n import customer_languages
from ..signals import email_verified

SESSION_KEY = "wagtail_privacy_step_up_at"
# One key per attempt: customer pk, attempt number (0 to STEP_UP_MAX_ATTEMPTS - 1).
FAILURES_KEY = "wagtail_privacy:step_up:failures:{}:{}"
EMAIL_DEVICE_NAME = "wagtail-privacy"
EMAIL_CODE_VALIDITY = 600
BACKUP_CODES = 10


class Throttled(PrivacyError):
    code = "throttled"
    status = 429


def methods_for(user):
    """The ways this customer can verify: always ``email``; ``totp`` and ``backup`` if set up."""
    methods = []
    if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        methods.append("totp")
    methods.append("email")
    if StaticToken.objects.filter(device__user=user, device__confirmed=True).exists():
        methods.append("backup")
    return methods


def verified_until(request):
    stamp = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not stamp:
        return None
    until = stamp + privacy_settings.STEP_UP_MAX_AGE
    if until <= time.time():
        return None
    return datetime.fromtimestamp(until, tz=UTC)


def is_verified(request):
    return verified_until(request) is not None


def throttle_cache():
    """The cache holding the attempt counters (``THROTTLE_CACHE``), shared by every worker."""
    return caches[privacy_settings.THROTTLE_CACHE]


def _attempt_keys(user):
    return [
        FAILURES_KEY.format(user.pk, slot)
        for slot in range(max(int(privacy_settings.STEP_UP_MAX_ATTEMPTS), 0))
    ]


def _claim_attempt(user):
    """Take one of the customer's ``STEP_UP_MAX_ATTEMPTS`` attempts, or raise ``Throttled``.

    Each attempt is a cache key of its own, claimed with ``cache.add`` (atomic on Redis,
    Memcached, the database and memory caches) and expiring ``STEP_UP_THROTTLE_WINDOW`` seconds
    after the claim: two workers racing for the last attempt cannot both get it, and the limit
    is a sliding window, as before. The attempt is claimed before the code is checked, so
    concurrent requests cannot check more codes than allowed either. Returns the claimed key.
    """
    store = throttle_cache()
    window = privacy_settings.STEP_UP_THROTTLE_WINDOW
    keys = _attempt_keys(user)
    taken = store.get_many(keys)
    now = time.time()
    stamps = [stamp for stamp in taken.values() if isinstance(stamp, (int, float))]
    for key in keys:
        if key in taken:
            continue
        if store.add(key, now, window):
            return key
        stamps.append(now)  # another worker claimed it just now
    retry = int(min(stamps, default=now) + window - now) + 1
    raise Throttled(
        _("Too many wrong codes: try again in %(minutes)s minutes.")
        % {"minutes": max(1, retry // 60)},
        params={"retry_after": max(retry, 1)},
    )


def _release_attempt(key):
    """Give back an attempt that did not check a code (django-otp's back-off, an error)."""
    throttle_cache().delete(key)


def _forget_attempts(user):
    """A right code: the customer starts again with all their attempts."""
    throttle_cache().delete_many(_attempt_keys(user))


def send_email_code(user):
    """Email a one-time code to the customer (at most one per cooldown period)."""
    address = getattr(user, user.get_email_field_name(), "")
    if not address:
        raise PrivacyError(_("Your account has no email address."), code="no_email", status=409)
    with transaction.atomic():
        device, _created = EmailDevice.objects.select_for_update().get_or_create(
            user=user, name=EMAIL_DEVICE_NAME, defaults={"confirmed": True}
        )
        allowed, data = device.generate_is_allowed()
        if not allowed:
            next_at = data.get("next_generation_at")
            retry = int((next_at - timezone.now()).total_seconds()) + 1 if next_at else 60
            raise Throttled(
                _("A code was sent a moment ago: wait before asking for another."),
                params={"retry_after": max(retry, 1)},
            )
        device.cooldown_set(commit=False)
        device.generate_token(valid_secs=EMAIL_CODE_VALIDITY, commit=True)
        token = device.token
    language = customer_languages([user])[user.pk]
    context = {"token": token, "minutes": EMAIL_CODE_VALIDITY // 60}
    mail.send(address, "verification", context, language)
    return device


def verify(request, token):
    """Check ``token`` against the customer's devices; on success, mark the session verified."""
    user = request.user
    token = (token or "").strip().replace(" ", "")
    attempt = _claim_attempt(user)
    device = None
    wait = 0
    checked = False
    try:
        if token and len(token) <= 64:
            with transaction.atomic():
                for model in (TOTPDevice, EmailDevice, StaticDevice):
                    devices = model.objects.devices_for_user(user, confirmed=True)
                    for candidate in devices.select_for_update():
                        allowed, data = getattr(
                            candidate, "verify_is_allowed", lambda: (True, None)
                        )()
                        if not allowed:
                            # django-otp's own back-off after a wrong code: say so.
                            locked = (data or {}).get("locked_until")
                            if locked:
                                seconds = int((locked - timezone.now()).total_seconds()) + 1
                                wait = max(wait, seconds)
                            continue
                        checked = True
                        if candidate.verify_token(token):
                            device = candidate
                            break
                    if device:
                        break
    except BaseException:
        _release_attempt(attempt)
        raise
    if device is None and wait:
        if not checked:
            _release_attempt(attempt)  # no code was checked: the attempt does not count
        raise Throttled(
            _("Wait %(seconds)s seconds before trying another code.") % {"seconds": wait},
            params={"retry_after": wait},
        )
    if device is None:
        raise PrivacyError(_("This code is not valid."), code="invalid_token", status=400)
    _forget_attempts(user)
    otp_login(request, device)
    if isinstance(device, EmailDevice):
        # The customer just proved the address is theirs (guest consents join the account).
        email_verified.send(sender=EmailDevice, user=user)
    request.session[SESSION_KEY] = time.time()
    return verified_until(request)


def issue_backup_codes(user):
    """Replace the customer's backup codes with new ones and return them (shown once)."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name=EMAIL_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODES)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes
