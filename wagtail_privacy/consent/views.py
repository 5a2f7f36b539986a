"""The unsubscribe page people reach from an email: GET confirms, POST unsubscribes."""

from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from ..exceptions import PrivacyError
from ..notices.audience import customer_languages
from ..policies.resolution import default_language
from . import service, unsubscribe
from .models import Channel


def _language(subject):
    if subject.user is not None:
        return customer_languages([subject.user])[subject.user.pk]
    return default_language()


@csrf_exempt  # the signed token is the proof; mail clients post without a session (RFC 8058)
def unsubscribe_page(request, token):
    try:
        subject, purpose_key, channel = unsubscribe.resolve(token)
    except PrivacyError as error:
        return render(
            request,
            "wagtail_privacy/consent/unsubscribe.html",
            {"error": error.message},
            status=error.status,
        )
    language = _language(subject)
    with translation.override(language):
        done = False
        if request.method == "POST":
            unsubscribe.unsubscribe(
                token,
                ip=request.META.get("REMOTE_ADDR"),
                user_agent=request.headers.get("User-Agent", ""),
            )
            done = True
        purpose = service.get_purpose(purpose_key, language)
        context = {
            "purpose": purpose,
            "channel": dict(Channel.choices).get(channel, channel),
            "done": done,
            "already": not done and not service.has_consent(subject, purpose_key, channel),
            "language": language,
        }
        return render(request, "wagtail_privacy/consent/unsubscribe.html", context)
