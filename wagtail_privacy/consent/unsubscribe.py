"""One-click unsubscribe (RFC 8058): signed links per subject, purpose and channel.

A link names a customer by id, or a guest by a hash of their email, never by the address.
"""

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from ..exceptions import PrivacyError
from ..mail import site_root
from .models import ConsentRecord, ConsentSource, email_hash
from .service import Subject, record

SALT = "wagtail_privacy.unsubscribe"


def token_for(subject, purpose_key, channel):
    subject = Subject.of(subject)
    who = {"u": subject.user.pk} if subject.user is not None else {"g": email_hash(subject.email)}
    return signing.dumps({**who, "p": purpose_key, "c": channel}, salt=SALT, compress=True)


def resolve(token):
    """The (subject, purpose, channel) a token names, or ``invalid_token``."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise PrivacyError(
            _("This unsubscribe link is not valid."), code="invalid_token", status=400
        ) from None
    if "u" in data:
        from django.contrib.auth import get_user_model

        user = get_user_model()._default_manager.filter(pk=data["u"]).first()
        if user is None:
            raise PrivacyError(
                _("This unsubscribe link is not valid."), code="invalid_token", status=400
            )
        subject = Subject(user=user)
    else:
        known = ConsentRecord.objects.filter(user__isnull=True, email_sha256=data.get("g", ""))
        latest = known.order_by("-pk").first()
        if latest is None:
            raise PrivacyError(
                _("This unsubscribe link is not valid."), code="invalid_token", status=400
            )
        subject = Subject(email=latest.email)
    return subject, data.get("p", ""), data.get("c", "")


def unsubscribe(token, *, ip=None, user_agent=""):
    """Withdraw what the link names; using it again changes nothing. Returns the purpose key."""
    subject, purpose_key, channel = resolve(token)
    record(
        subject,
        purpose_key,
        channel,
        False,
        source=ConsentSource.UNSUBSCRIBE,
        ip=ip,
        user_agent=user_agent,
    )
    return purpose_key, channel


def unsubscribe_url(subject, purpose_key, channel, base_url=None):
    path = reverse(
        "wagtail_privacy_api:unsubscribe",
        kwargs={"token": token_for(subject, purpose_key, channel)},
    )
    if base_url is None:
        base_url = site_root()
    return base_url.rstrip("/") + path


def list_unsubscribe_headers(subject, purpose_key, channel, base_url=None):
    """Headers for a host email: one-click unsubscribe that mail clients show as a button.

    ``message.extra_headers.update(list_unsubscribe_headers(user, "newsletter", "email"))``
    """
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subject, purpose_key, channel, base_url)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
