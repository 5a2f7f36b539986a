"""Signal wiring for consent, connected from ``AppConfig.ready``."""

from ..signals import email_verified, restriction_changed


def on_email_verified(sender, user, **kwargs):
    from .service import join_guest

    join_guest(user)


def on_restriction_changed(sender, user, **kwargs):
    from .service import forget

    forget(user)


def on_purpose_changed(sender, **kwargs):
    from .service import forget_rules

    forget_rules()


def connect():
    from django.db.models.signals import post_delete, post_save

    from .models import ConsentPurpose

    email_verified.connect(on_email_verified, dispatch_uid="privacy_consent_email_verified")
    # has_consent caches whether the customer restricted processing.
    restriction_changed.connect(on_restriction_changed, dispatch_uid="privacy_consent_restriction")
    # A new wording or validity counts at once for has_consent, which caches the purposes.
    for signal in (post_save, post_delete):
        signal.connect(
            on_purpose_changed, sender=ConsentPurpose, dispatch_uid="privacy_consent_rules"
        )
