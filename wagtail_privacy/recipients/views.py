"""The acknowledgement page a recipient reaches from the emailed link: GET asks (mail
scanners open links, and a GET changes nothing), POST acknowledges, once."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from . import service

TEMPLATE = "wagtail_privacy/recipients/acknowledge.html"
STATUSES = {"invalid": 400, "expired": 410, "used": 410}


def _messages():
    return {
        "invalid": _("This link is not valid."),
        "expired": _("This link has expired: reply to the email instead."),
        "used": _("This notice was acknowledged already. Thank you."),
    }


@never_cache
@csrf_exempt  # the signed, single-use token is the proof; the recipient has no session
def acknowledge_page(request, token):
    try:
        if request.method == "POST":
            notification = service.acknowledge(token)
            return render(request, TEMPLATE, {"done": True, "notification": notification})
        notification = service.notification_of(token)
    except service.AckLinkInvalid as error:
        context = {"code": error.reason, "message": _messages()[error.reason]}
        return render(request, TEMPLATE, context, status=STATUSES[error.reason])
    return render(request, TEMPLATE, {"notification": notification})
