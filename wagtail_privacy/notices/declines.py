"""Recording that a customer declines a policy version, with the proof an acceptance has.

A decline changes nothing before the version takes effect. Afterwards the gate keeps asking
for the acceptance (a declined version is owed like any other); the customer is offered
their data export and closing the account instead. Accepting later ends the decline.
"""

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from ..client import minimise_ip
from ..exceptions import PrivacyError
from ..signals import policy_version_declined
from .acceptance import accepted, decidable, decided
from .models import Acceptance, AcceptanceChannel, Decline


def decline(user, slug, number, *, language, channel=AcceptanceChannel.API, ip=None, user_agent=""):
    """Record that ``user`` declines version ``number`` of policy ``slug``.

    Only the current or upcoming version of a policy that asks for acceptance, and not one the
    customer accepted (nor a later one). Declining again returns the first record. Returns
    ``(decline, created)``.
    """
    policy, version, text = decidable(slug, number, language, channel)
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
    existing = Decline.objects.filter(user=user, version=version).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    try:
        with transaction.atomic():
            record = Decline.objects.create(
                user=user,
                policy=policy,
                version=version,
                language=text.locale.language_code,
                text_sha256=text.sha256,
                declined_at=now,
                ip_address=minimise_ip(ip),
                user_agent=(user_agent or "")[:512],
                channel=channel,
            )
            decided(user, version, now)
    except IntegrityError:
        return Decline.objects.get(user=user, version=version), False
    policy_version_declined.send(sender=Decline, decline=record)
    return record, True


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
