"""The reactivation page people reach from the emailed link."""

from django.shortcuts import render

from ..exceptions import PrivacyError
from . import closure


def reactivate_page(request, token):
    context = {}
    if request.method == "POST":
        try:
            closure.reactivate(token)
            context["done"] = True
        except PrivacyError as error:
            context["error"] = error.message
            return render(
                request, "wagtail_privacy/rights/reactivate.html", context, status=error.status
            )
    return render(request, "wagtail_privacy/rights/reactivate.html", context)
