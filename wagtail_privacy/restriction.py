"""Restriction of processing (GDPR Art. 18): whether a customer's data is only to be kept.

On the ground floor because two domains read it and neither may import the other: consent
(``has_consent`` suspends the purposes editors marked) and rights (retention spares the
account). ``rights.restriction`` changes it; ``restriction_changed`` tells consent.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Restriction(models.Model):
    """One restriction of a customer's account, from its start until it is lifted.

    Lifting on the customer's own request is immediate; staff lifting it is announced first:
    ``lift_requested_at`` by staff, the customer told at ``lift_notified_at`` (by
    ``privacy_tick``), lifted on ``lift_on``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="privacy_restrictions",
        verbose_name=_("customer"),
    )
    started_at = models.DateTimeField(_("restricted since"))
    lift_requested_at = models.DateTimeField(_("lifting asked by staff at"), null=True, blank=True)
    lift_notified_at = models.DateTimeField(_("customer told of lifting at"), null=True, blank=True)
    lift_on = models.DateTimeField(_("lifted on"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta:
        app_label = "wagtail_privacy"
        verbose_name = _("restriction of processing")
        verbose_name_plural = _("restrictions of processing")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(lifted_at__isnull=True),
                name="privacy_one_active_restriction",
            )
        ]

    def __str__(self):
        return f"restriction of {self.user_id}"


def active():
    """Restrictions in force (a lifting announced but not due yet still restricts)."""
    return Restriction.objects.filter(lifted_at__isnull=True)


def current(user):
    """The restriction in force on ``user``'s account, or None."""
    if user is None or user.pk is None:
        return None
    return active().filter(user=user).first()
