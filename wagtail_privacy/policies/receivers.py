"""Signal wiring for policies, connected from ``AppConfig.ready``."""

from wagtail.signals import page_published


def on_page_published(sender, instance, revision, **kwargs):
    from .pages import PolicyPage
    from .services import record_publication

    if isinstance(instance, PolicyPage):
        record_publication(instance, revision)


def connect():
    page_published.connect(on_page_published, dispatch_uid="wagtail_privacy_policy_published")
