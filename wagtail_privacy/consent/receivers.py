"""Signal wiring for consent, connected from ``AppConfig.ready``."""

from ..signals import email_verified


def on_email_verified(sender, user, **kwargs):
    from .service import join_guest

    join_guest(user)


def connect():
    email_verified.connect(on_email_verified, dispatch_uid="privacy_consent_email_verified")
