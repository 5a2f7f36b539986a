"""Recording that a customer declines a policy version, with the proof an acceptance has.

A decline changes nothing before the version takes effect. Afterwards the gate keeps asking
for the acceptance (a declined version is owed like any other); the customer is offered
their data export and closing the account instead. Accepting later ends the decline.
"""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from ..exceptions import PrivacyError
from ..signals import policy_version_declined
from .acceptance import accepted, decidable, record
from .models import Acceptance, AcceptanceChannel, Decline


def decline(user, slug, number, *, language, channel=AcceptanceChannel.API, ip=None, user_agent=""):
    """Record that ``user`` declines version ``number`` of policy ``slug``.

    Only the current or upcoming version of a policy that asks for acceptance, and not one the
    customer accepted (nor a later one). Declining again returns the first record. Returns
    ``(decline, created)``.
    """
    _policy, version, text = decidable(slug, number, language, channel)
    if not version.requires_acceptance:
        raise PrivacyError(
            _("Version %(number)s does not ask for acceptance: there is nothing to decline.")
            % {"number": number},
            code="not_declinable",
            status=409,
        )
    if accepted(user, version):
        raise PrivacyError(
            _("You have already accepted version %(number)s or a later one.") % {"number": number},
            code="already_accepted",
            status=409,
        )
    decline, created = record(
        Decline, user, version, text, channel=channel, ip=ip, user_agent=user_agent
    )
    if not created:
        return decline, False
    policy_version_declined.send(sender=Decline, decline=decline)
    return decline, True


def standing(user):
    """The customer's declines not ended by an acceptance of that version or a later one."""
    later = Acceptance.objects.filter(
        user=OuterRef("user"),
        policy=OuterRef("policy"),
        version__number__gte=OuterRef("version__number"),
    )
    return (
        Decline.objects.filter(user=user)
        .exclude(Exists(later))
        .select_related("policy", "version")
        .order_by("-declined_at", "-pk")
    )


def declines_of(user):
    return (
        Decline.objects.filter(user=user)
        .select_related("policy", "version")
        .order_by("-declined_at", "-pk")
    )
