"""The HTML accept page for server-rendered sites (the API has its own door).

A refusal raised while it works (``ActionRequired``) is answered by the pages' door
(``wagtail_privacy.verification.doors``), never shown as an error of the form.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from ..client import client_details
from ..conf import privacy_settings
from ..exceptions import ActionRequired, PrivacyError
from ..i18n import active_language
from ..policies.resolution import load_texts
from ..verification.doors import answers_refusals
from . import acceptance, declines, gate
from .models import AcceptanceChannel, Decline


class AcceptForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have read these documents and accept them."),
        error_messages={"required": _("Tick the box to accept.")},
    )


@never_cache
@login_required
@answers_refusals
def accept(request):
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    language = active_language()
    missing = gate.missing_acceptances(request.user)
    if not missing:
        return redirect(next_url)
    declining = request.method == "POST" and request.POST.get("decision") == "decline"
    form = AcceptForm(None if declining else request.POST or None)
    errors = []
    if declining:
        errors = _decide(request, declines.decline, missing, language)
    elif request.method == "POST" and form.is_valid():
        errors = _decide(request, acceptance.accept, missing, language)
        if not errors:
            return redirect(next_url)
    texts = load_texts([r.version_id for r in missing], language)
    declined = dict(
        Decline.objects.filter(
            user=request.user, version_id__in=[r.version_id for r in missing]
        ).values_list("version_id", "declined_at")
    )
    documents = [
        {"requirement": r, "text": texts.get(r.version_id), "declined_at": when}
        for r in missing
        for when in [declined.get(r.version_id)]
    ]
    return render(
        request,
        "wagtail_privacy/notices/accept.html",
        {
            "documents": documents,
            "form": form,
            "next": next_url,
            "errors": errors,
            "declined": len(declined) == len(missing),
            "account_url": privacy_settings.ACCOUNT_URL,
        },
    )


def _decide(request, decide, missing, language):
    """Accept or decline every version owed; the refusals' messages, if any."""
    errors = []
    for requirement in missing:
        try:
            decide(
                request.user,
                requirement.slug,
                requirement.number,
                language=language,
                channel=AcceptanceChannel.WEB,
                **client_details(request),
            )
        except ActionRequired:
            raise  # the door answers it
        except PrivacyError as error:
            errors.append(error.message)
    return errors
