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
from ..exceptions import ActionRequired, PrivacyError
from ..i18n import active_language
from ..policies.resolution import load_texts
from ..verification.doors import answers_refusals
from . import acceptance, gate
from .models import AcceptanceChannel


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
    form = AcceptForm(request.POST or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        for requirement in missing:
            try:
                acceptance.accept(
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
        if not errors:
            return redirect(next_url)
    texts = load_texts([r.version_id for r in missing], language)
    documents = [{"requirement": r, "text": texts.get(r.version_id)} for r in missing]
    return render(
        request,
        "wagtail_privacy/notices/accept.html",
        {"documents": documents, "form": form, "next": next_url, "errors": errors},
    )
