from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailPrivacyConfig(AppConfig):
    name = "wagtail_privacy"
    label = "wagtail_privacy"
    verbose_name = _("Privacy")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers system checks)
        from .policies import receivers

        receivers.connect()
