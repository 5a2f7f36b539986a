"""The report of a breach for the supervisory authority (Art. 33(3)): HTML and PDF, in the
shop's default language. The PDF reuses the typesetting of policy PDFs (bundled fonts, no
other URL loaded)."""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import formats as privacy_formats
from ..conf import privacy_settings
from ..i18n import default_language
from ..policies.pdf import FONT_DIR, css_content, css_string, url_fetcher
from .clock import clock
from .models import BreachNotice, EmailState


def report_html(breach, *, for_pdf=False, now=None):
    language = default_language()
    with translation.override(language):
        state = clock(breach, now)
        notices = BreachNotice.objects.filter(breach=breach)
        title = _("Personal data breach report")
        context = {
            "language": language,
            "title": title,
            "breach": breach,
            "clock": state,
            "detected": privacy_formats.date_time(breach.detected_at),
            "deadline": privacy_formats.date_time(state.deadline),
            "notified": privacy_formats.date_time(breach.authority_notified_at),
            "generated": privacy_formats.date_time(now or timezone.now()),
            "customers_told": notices.filter(email_state=EmailState.SENT).count(),
            "customers_selected": notices.count(),
            "shop_name": privacy_settings.shop_name,
            "controller_name": privacy_settings.controller_name,
            "controller_contact": privacy_settings.CONTROLLER_CONTACT or "",
            "dpo_contact": privacy_settings.DPO_CONTACT or "",
            "for_pdf": for_pdf,
            "font_dir": FONT_DIR.as_uri(),
            "header_left": css_string(privacy_settings.controller_name),
            "header_right": css_string(title),
            "footer_right": css_content(
                _("Page %(page)s of %(pages)s"), page="counter(page)", pages="counter(pages)"
            ),
        }
        return render_to_string("wagtail_privacy/pdf/breach_report.html", context)


def report_pdf(breach, now=None):
    from weasyprint import HTML

    html = report_html(breach, for_pdf=True, now=now)
    return HTML(
        string=html, base_url=FONT_DIR.as_uri() + "/", url_fetcher=url_fetcher()
    ).write_pdf()


def filename(breach, extension):
    return f"breach-{breach.pk}-report.{extension}"
