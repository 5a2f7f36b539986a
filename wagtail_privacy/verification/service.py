"""Step-up verification with django-otp: a fresh proof of identity before sensitive actions.

Customers verify with a TOTP app, a code emailed to them, a backup code, or any device of a
django-otp plugin the shop installs (``django_otp.devices_for_user``). A success is kept in the
session for ``STEP_UP_MAX_AGE`` seconds; wrong codes are throttled per customer, in the cache
``THROTTLE_CACHE`` that every worker of the site shares.

The services that need a fresh step-up (an export, deletion, deactivation, withdrawing every
consent) take a ``proof`` and check it themselves with ``check_step_up``, raising
``StepUpRequired`` without one:

- ``step_up_proof(request)``: the proof of the customer's own fresh verification (None if the
  session has none, and the service refuses);
- ``without_step_up(reason, staff=None)``: acting without the customer's step-up on purpose
  (staff, periodic work, tests), named where it happens and logged.
"""

import logging
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import caches
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import mail
from ..conf import privacy_settings
from ..exceptions import PrivacyError, StepUpRequired
from ..i18n import customer_languages
from ..signals import email_verified

SESSION_KEY = "wagtail_privacy_step_up_at"
# One key per attempt: customer pk, attempt number (0 to STEP_UP_MAX_ATTEMPTS - 1).
FAILURES_KEY = "wagtail_privacy:step_up:failures:{}:{}"
EMAIL_DEVICE_NAME = "wagtail-privacy"
EMAIL_CODE_VALIDITY = 600
BACKUP_CODES = 10
logger = logging.getLogger("wagtail_privacy.verification")

#: The method name the API gives a device class; others are named after their django-otp
#: plugin (``otp_hotp`` → ``"hotp"``).
METHOD_NAMES = {TOTPDevice: "totp", EmailDevice: "email", StaticDevice: "backup"}
#: The order methods are listed and devices tried in; other plugins' come after ``totp``.
METHOD_ORDER = ("totp", None, "email", "backup")


class Throttled(PrivacyError):
    code = "throttled"
    status = 429


def method_name(device):
    """The stable name of a device's method: ``totp``, ``email``, ``backup``, or its plugin's."""
    for model, name in METHOD_NAMES.items():
        if isinstance(device, model):
            return name
    return device._meta.app_label.removeprefix("otp_")


def _rank(name):
    return METHOD_ORDER.index(name) if name in METHOD_ORDER else METHOD_ORDER.index(None)


def methods_for(user):
    """The ways this customer can verify: always ``email``; each confirmed device's method
    (``totp``, ``backup`` while codes are left, a plugin's), whatever django-otp plugin."""
    methods = {"email"}  # a code is emailed on demand
    for device in devices_for_user(user, confirmed=True):
        name = method_name(device)
        if isinstance(device, StaticDevice) and not device.token_set.exists():
            continue  # every backup code used
        methods.add(name)
    return sorted(methods, key=lambda name: (_rank(name), name))


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


@dataclass(frozen=True)
class StepUpProof:
    """That customer ``user_pk`` verified at ``verified_at`` (a timestamp).

    Get it from ``step_up_proof(request)``, never build it: the services check that it is the
    customer's and still within ``STEP_UP_MAX_AGE`` when they act.
    """

    user_pk: object
    verified_at: float

    def covers(self, user):
        fresh = self.verified_at + privacy_settings.STEP_UP_MAX_AGE > time.time()
        return fresh and user is not None and self.user_pk == user.pk


@dataclass(frozen=True)
class StepUpWaiver:
    """Acting without the customer's step-up, on purpose; from ``without_step_up``."""

    reason: str
    staff: object = None


def step_up_proof(request):
    """The proof of the signed-in customer's fresh step-up, or None (the service refuses)."""
    user = getattr(request, "user", None)
    if not is_verified(request) or not getattr(user, "is_authenticated", False):
        return None
    return StepUpProof(user_pk=user.pk, verified_at=request.session[SESSION_KEY])


def without_step_up(reason, *, staff=None):
    """Let a service act for a customer who did not step up: staff, periodic work, tests.

    ``reason`` says why (logged with the customer); ``staff``, the staff user acting, if any.
    """
    if not str(reason or "").strip():
        raise ValueError("without_step_up needs a reason.")
    return StepUpWaiver(reason=str(reason), staff=staff)


def step_up_error(user):
    """``StepUpRequired`` for ``user``: how long a verification counts, how they can verify."""
    methods = methods_for(user) if getattr(user, "is_authenticated", False) else []
    return StepUpRequired(max_age=privacy_settings.STEP_UP_MAX_AGE, methods=methods)


def check_step_up(user, proof):
    """Raise ``StepUpRequired`` unless ``proof`` is ``user``'s fresh step-up, or a waiver.

    Every service that needs a step-up calls this first, so calling it from code without a
    proof fails the way the API does.
    """
    if isinstance(proof, StepUpWaiver):
        logger.info(
            "Step-up waived for customer %s (%s%s)",
            getattr(user, "pk", None),
            proof.reason,
            f", staff {proof.staff.pk}" if getattr(proof.staff, "pk", None) else "",
        )
        return
    if isinstance(proof, StepUpProof) and proof.covers(user):
        return
    raise step_up_error(user)


def require_step_up(request):
    """For a host's own sensitive view: raise ``StepUpRequired`` unless the session verified
    within ``STEP_UP_MAX_AGE``."""
    check_step_up(getattr(request, "user", None), step_up_proof(request))


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
        # No device at all (no code ever emailed): nothing can match, and nothing to lock.
        if token and len(token) <= 64 and user_has_device(user, confirmed=True):
            with transaction.atomic():
                # Every confirmed device of every django-otp plugin, locked (select_for_update)
                # so that two requests cannot both use one code; tried in METHOD_ORDER.
                candidates = sorted(
                    devices_for_user(user, confirmed=True, for_verify=True),
                    key=lambda candidate: _rank(method_name(candidate)),
                )
                for candidate in candidates:
                    allowed, data = getattr(candidate, "verify_is_allowed", lambda: (True, None))()
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
