"""The unsubscribe page people reach from an email: GET confirms, POST unsubscribes."""

from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from ..exceptions import PrivacyError
from ..notices.audience import customer_languages
from ..policies.resolution import default_language
from . import service, unsubscribe
from .models import Channel

TEMPLATE = "wagtail_privacy/consent/unsubscribe.html"


def _language(subject):
    if subject.user is not None:
        return customer_languages([subject.user])[subject.user.pk]
    return default_language()


def _error(request, error):
    return render(request, TEMPLATE, {"error": error.message}, status=error.status)


@csrf_exempt  # the signed token is the proof; mail clients post without a session (RFC 8058)
def unsubscribe_page(request, token):
    try:
        subject, purpose_key, channel = unsubscribe.resolve(token)
    except PrivacyError as error:
        return _error(request, error)
    language = _language(subject)
    with translation.override(language):
        try:
            # Refuses a purpose or channel that never existed; one deleted since still works.
            service.check_withdrawal(subject, purpose_key, channel)
            done = False
            if request.method == "POST":
                unsubscribe.unsubscribe(
                    token,
                    ip=request.META.get("REMOTE_ADDR"),
                    user_agent=request.headers.get("User-Agent", ""),
                )
                done = True
        except PrivacyError as error:
            return _error(request, error)
        try:
            name = service.get_purpose(purpose_key, language).name
        except PrivacyError:
            name = purpose_key  # deleted since: its key is all that is left
        context = {
            "purpose": {"key": purpose_key, "name": name},
            "channel": dict(Channel.choices).get(channel, channel),
            "done": done,
            "already": not done and not service.has_consent(subject, purpose_key, channel),
            "language": language,
        }
        return render(request, TEMPLATE, context)
