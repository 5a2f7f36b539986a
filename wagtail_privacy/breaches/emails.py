"""The email telling a customer of a breach (Art. 34(2)), built once per breach and language."""

from django.template.loader import render_to_string
from django.utils import translation

from .. import formats as privacy_formats
from .. import mail
from ..conf import privacy_settings


def context(breach):
    return {
        "shop_name": privacy_settings.shop_name,
        "breach": breach,
        "detected": privacy_formats.date(breach.detected_at),
        "contact": privacy_settings.DPO_CONTACT or privacy_settings.CONTROLLER_CONTACT or "",
        "has_dpo": bool(privacy_settings.DPO_CONTACT),
    }


def render(breach, language):
    """(subject, text) of the breach email in ``language``: the preview shows the same."""
    with translation.override(language):
        values = context(breach)
        base = "wagtail_privacy/emails/breach_notice"
        subject = " ".join(render_to_string(f"{base}_subject.txt", values).split())
        return subject, render_to_string(f"{base}.txt", values)


def build(breach, language):
    subject, text = render(breach, language)
    return mail.PreparedEmail(subject, text, headers={"Auto-Submitted": "auto-generated"})
