"""Plain-text emails to customers, rendered in each customer's language.

Templates come in pairs: ``wagtail_privacy/emails/<name>_subject.txt`` and ``<name>.txt``.
Sweeps that email many customers build the messages with ``customer_messages`` and send them
with ``send_each`` over one connection, instead of one connection per message.
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from wagtail.models import Site

from .conf import privacy_settings


def local_date(value):
    """A date as customers read it, in the active language and the site's time zone."""
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT")


def site_root():
    """The default site's root URL without the trailing slash, for links in emails."""
    site = Site.objects.filter(is_default_site=True).first()
    return (site.root_url if site else "").rstrip("/")


def email_address(user):
    return getattr(user, user.get_email_field_name(), "") or ""


def render(name, context, language):
    """(subject, body) of the email ``name`` in ``language``."""
    with translation.override(language):
        context = {"shop_name": privacy_settings.shop_name, **context}
        subject = " ".join(
            render_to_string(f"wagtail_privacy/emails/{name}_subject.txt", context).split()
        )
        body = render_to_string(f"wagtail_privacy/emails/{name}.txt", context)
    return subject, body


def message(address, name, context, language):
    subject, body = render(name, context, language)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])


def send(address, name, context, language):
    """Send one email now; returns whether there was an address to send it to."""
    if not address:
        return False
    message(address, name, context, language).send()
    return True


def customer_messages(users, name, context_of):
    """{user pk: message} for the users with an address; ``context_of(user)`` is called with
    the customer's language active, so dates and links read as the customer expects."""
    from .notices.audience import customer_languages

    languages = customer_languages(users)
    messages = {}
    for user in users:
        address = email_address(user)
        if address:
            with translation.override(languages[user.pk]):
                context = context_of(user)
            messages[user.pk] = message(address, name, context, languages[user.pk])
    return messages


def send_each(messages):
    """Send {key: message} over one connection, yielding each key once its message is sent.

    Callers collect the keys and record them in a ``finally`` block, so a failure midway
    neither loses the record of the messages already sent nor sends them twice next time.
    """
    if not messages:
        return
    with get_connection() as connection:
        for key, email in messages.items():
            email.connection = connection
            email.send()
            yield key
