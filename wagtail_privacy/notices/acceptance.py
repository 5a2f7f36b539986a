"""Recording that a customer accepted a policy version (the one service behind every door)."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..client import minimise_ip
from ..exceptions import NotFound, PrivacyError
from ..policies.lookup import get_policy, state_with_version
from ..policies.resolution import load_texts
from ..signals import policy_version_accepted
from .models import Acceptance, AcceptanceChannel, ChangeNotice, EmailState


def decidable(slug, number, language, channel):
    """The policy, version ``number`` and its text in ``language``, if a customer may decide
    on it now: only the current version or the upcoming one (early), never a withdrawn one."""
    if channel not in AcceptanceChannel.values:
        raise PrivacyError(_("Unknown acceptance channel."), code="invalid_input", status=422)
    policy = get_policy(slug)
    state = state_with_version(policy, language, number)
    version = state.requested
    if version.withdrawn_at is not None:
        raise PrivacyError(
            _("Version %(number)s was withdrawn before it took effect.") % {"number": number},
            code="version_withdrawn",
            status=409,
        )
    if version not in (state.current, state.upcoming):
        latest = state.upcoming or state.current
        raise PrivacyError(
            _("Version %(number)s is no longer in effect: accept version %(latest)s.")
            % {"number": number, "latest": latest.number},
            code="version_superseded",
            status=409,
            params={"latest_version": latest.number},
        )
    text = state.text(version) or load_texts([version.pk], language)[version.pk]
    return policy, version, text


def accept(user, slug, number, *, language, channel=AcceptanceChannel.API, ip=None, user_agent=""):
    """Record that ``user`` accepts version ``number`` of policy ``slug``.

    Only the current version or the upcoming one (early acceptance) can be accepted. Accepting
    the same version again returns the first record. Returns ``(acceptance, created)``.
    """
    _policy, version, text = decidable(slug, number, language, channel)
    acceptance, created = record(
        Acceptance, user, version, text, channel=channel, ip=ip, user_agent=user_agent
    )
    # Nothing to tell the gate: a session that does not show this acceptance yet makes it
    # read the database on the customer's next request, in any process.
    if not created:
        return acceptance, False
    policy_version_accepted.send(sender=Acceptance, acceptance=acceptance)
    return acceptance, True


def record(model, user, version, text, *, channel, ip, user_agent):
    """The proof (``Acceptance`` or ``Decline``) of ``user``'s decision on ``version`` in
    ``text``, made once: deciding again, or two requests at once, give the first record.
    Returns ``(record, created)``."""
    existing = model.objects.filter(user=user, version=version).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    try:
        with transaction.atomic():
            made = model.objects.create(
                user=user,
                policy_id=version.policy_id,
                version=version,
                language=text.locale.language_code,
                text_sha256=text.sha256,
                ip_address=minimise_ip(ip),
                user_agent=(user_agent or "")[:512],
                channel=channel,
                **{model.decided_at_field: now},
            )
            decided(user, version, now)
    except IntegrityError:
        # Another request decided a moment earlier: its record is the proof.
        return model.objects.get(user=user, version=version), False
    return made, True


def decided(user, version, now):
    """A decision on ``version`` acknowledges its notice and cancels reminders not yet sent."""
    notices = ChangeNotice.objects.filter(user=user, version=version)
    notices.filter(acknowledged_at__isnull=True).update(acknowledged_at=now)
    notices.filter(reminder_email_state=EmailState.PENDING).update(
        reminder_email_state=EmailState.NONE
    )


def accepted(user, version):
    """Whether ``user`` accepted ``version`` or a later version of its policy."""
    return Acceptance.objects.filter(
        user=user, policy_id=version.policy_id, version__number__gte=version.number
    ).exists()


def acceptances_of(user):
    return (
        Acceptance.objects.filter(user=user)
        .select_related("policy", "version")
        .order_by("-accepted_at", "-pk")
    )


def acknowledge(user, notice_id):
    """Mark one of ``user``'s notices as read; another customer's notice does not exist."""
    notice = (
        ChangeNotice.objects.filter(pk=notice_id, user=user, retracted_at__isnull=True)
        .select_related("version__policy")
        .first()
    )
    if notice is None:
        raise NotFound(_("There is no such notice."), code="unknown_notice")
    if notice.acknowledged_at is None:
        notice.acknowledged_at = timezone.now()
        notice.save(update_fields=["acknowledged_at"])
    return notice


def notices_of(user):
    return (
        ChangeNotice.objects.filter(user=user, retracted_at__isnull=True)
        .select_related("version__policy")
        .order_by("-version__published_at", "-pk")
    )
