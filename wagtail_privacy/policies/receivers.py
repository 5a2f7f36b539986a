"""Signal wiring for policies, connected from ``AppConfig.ready``."""

from django.db import transaction
from wagtail.signals import page_published

from ..signals import policy_version_published


def on_page_published(sender, instance, revision, **kwargs):
    from .pages import PolicyPage
    from .services import record_publication

    if isinstance(instance, PolicyPage):
        record_publication(instance, revision)


def enqueue_pdf(sender, text, **kwargs):
    from .tasks import render_version_pdf

    transaction.on_commit(lambda: render_version_pdf.enqueue(text.pk))


def connect():
    page_published.connect(on_page_published, dispatch_uid="wagtail_privacy_policy_published")
    policy_version_published.connect(enqueue_pdf, dispatch_uid="wagtail_privacy_enqueue_pdf")
