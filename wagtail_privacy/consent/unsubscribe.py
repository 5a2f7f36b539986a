"""One-click unsubscribe (RFC 8058): signed links per subject, purpose and channel.

A link names a customer by id, or a guest by a hash of their email, never by the address. It
leads to the unsubscribe page (``wagtail_privacy.urls``), in the customer's language: a
browser gets a confirmation and a button, a mail provider's one-click ``POST`` unsubscribes.
A site that mounts only the API gets the API's endpoint, which takes the ``POST`` alone.
"""

from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils import translation
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


def _invalid():
    return PrivacyError(_("This unsubscribe link is not valid."), code="invalid_token", status=400)


def resolve(token):
    """The (subject, purpose, channel) a token names, or ``invalid_token``.

    The purpose and channel are not checked here: ``unsubscribe`` (and
    ``service.check_withdrawal``) answer ``unknown_purpose`` or ``unknown_channel``.
    """
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise _invalid() from None
    if not isinstance(data, dict):
        raise _invalid()
    if "u" in data:
        from django.contrib.auth import get_user_model

        User = get_user_model()
        try:
            user = User._default_manager.filter(pk=data["u"]).first()
        except (TypeError, ValueError, ValidationError):
            user = None
        if user is None:
            raise _invalid()
        subject = Subject(user=user)
    else:
        guest = data.get("g")
        if not isinstance(guest, str) or not guest:
            raise _invalid()  # erased records have no hash: never match them
        known = ConsentRecord.objects.filter(user__isnull=True, email_sha256=guest)
        latest = known.order_by("-pk").first()
        if latest is None or not latest.email:
            raise _invalid()
        subject = Subject(email=latest.email)
    return subject, str(data.get("p", ""))[:64], str(data.get("c", ""))[:20]


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


def link_language(subject):
    """The language of the customer a link names (the default language for a guest)."""
    from ..i18n import customer_languages, default_language

    if subject.user is not None:
        return customer_languages([subject.user])[subject.user.pk]
    return default_language()


def unsubscribe_url(subject, purpose_key, channel, base_url=None, language=None):
    """The unsubscribe link: the page, under the prefix of ``language`` (default: the
    customer's) when the privacy URLs sit inside ``i18n_patterns``; else the API's endpoint.

    Pass ``language`` when you know it, to spare a look-up per message.
    """
    subject = Subject.of(subject)
    token = token_for(subject, purpose_key, channel)
    try:
        with translation.override(language or link_language(subject)):
            path = reverse("wagtail_privacy:unsubscribe", kwargs={"token": token})
    except NoReverseMatch:  # the pages are not mounted: the one-click endpoint still works
        path = reverse("wagtail_privacy_api:unsubscribe", kwargs={"token": token})
    if base_url is None:
        base_url = site_root()
    return base_url.rstrip("/") + path


def list_unsubscribe_headers(subject, purpose_key, channel, base_url=None, language=None):
    """Headers for a host email: one-click unsubscribe that mail clients show as a button.

    ``message.extra_headers.update(list_unsubscribe_headers(user, "newsletter", "email"))``

    The link opens the unsubscribe page in a browser (a confirmation; nothing changes until its
    button is pressed) and unsubscribes on a mail provider's ``POST`` (RFC 8058).
    """
    url = unsubscribe_url(subject, purpose_key, channel, base_url, language)
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
