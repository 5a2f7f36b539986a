from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailPrivacyConfig(AppConfig):
    name = "wagtail_privacy"
    label = "wagtail_privacy"
    verbose_name = _("Privacy")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            checks,  # noqa: F401  (registers system checks)
            service_checks,  # noqa: F401  (registers the service checks: Redis, S3)
        )
        from .breaches import tick as breach_steps  # noqa: F401  (the breach_notices step)
        from .consent import (
            confirmations,  # noqa: F401  (the withdrawal_confirmations step)
            renewals,  # noqa: F401  (the consent_renewals step)
        )
        from .consent import receivers as consent_receivers
        from .notices import receivers as notice_receivers
        from .notices import tick as notice_steps  # noqa: F401  (registers privacy_tick steps)
        from .policies import receivers as policy_receivers
        from .policies import tick as policy_steps  # noqa: F401

        policy_receivers.connect()
        notice_receivers.connect()
        consent_receivers.connect()

        from django.utils.module_loading import autodiscover_modules

        # The built-in sources of personal data, one module per domain.
        from .consent import sources as consent_sources  # noqa: F401
        from .notices import sources as notice_sources  # noqa: F401
        from .rights import receivers as rights_receivers
        from .rights import (
            reminders,  # noqa: F401  (the request_reminders step)
            restriction,  # noqa: F401  (the restrictions step)
            sessions,
            sources,  # noqa: F401  (registers the built-in data sources)
        )
        from .rights import tick as rights_steps  # noqa: F401
        from .verification import sources as verification_sources  # noqa: F401

        sessions.connect()
        rights_receivers.connect()

        from .recipients import receivers as recipient_receivers
        from .recipients import (
            sources as recipient_sources,  # noqa: F401
        )
        from .recipients import (
            tick as recipient_steps,  # noqa: F401
        )

        recipient_receivers.connect()

        from .cookies import receivers as cookie_receivers
        from .cookies import sources as cookie_sources  # noqa: F401

        cookie_receivers.connect()

        # Host apps register their own sources in a ``privacy_sources`` module.
        autodiscover_modules("privacy_sources")
