"""Figures of notice and acceptance per version, for the admin screens."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q

from .audience import audience
from .models import Acceptance, ChangeNotice, Decline, EmailState


def notice_figures(version_ids):
    """Per version id: notices, emailed, failed, unconfirmed, acknowledged, retracted,
    acceptances and declines.

    ``notices`` counts the notices still standing; ``retracted`` those withdrawn with their
    version (emails already sent for them still count as ``emailed``).
    """
    figures = {
        row["version_id"]: row
        for row in ChangeNotice.objects.filter(version_id__in=version_ids)
        .values("version_id")
        .annotate(
            notices=Count("pk", filter=Q(retracted_at__isnull=True)),
            emailed=Count("pk", filter=Q(email_state=EmailState.SENT)),
            failed=Count("pk", filter=Q(email_state=EmailState.FAILED)),
            unconfirmed=Count("pk", filter=Q(email_state=EmailState.SENDING)),
            acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
            retracted=Count("pk", filter=Q(retracted_at__isnull=False)),
        )
    }
    accepted = dict(
        Acceptance.objects.filter(version_id__in=version_ids)
        .values("version_id")
        .annotate(n=Count("pk"))
        .values_list("version_id", "n")
    )
    declined = dict(
        Decline.objects.filter(version_id__in=version_ids)
        .values("version_id")
        .annotate(n=Count("pk"))
        .values_list("version_id", "n")
    )
    empty = dict.fromkeys(
        ("notices", "emailed", "failed", "unconfirmed", "acknowledged", "retracted"), 0
    )
    return {
        vid: {
            **empty,
            **figures.get(vid, {}),
            "acceptances": accepted.get(vid, 0),
            "declines": declined.get(vid, 0),
        }
        for vid in version_ids
    }


def still_required(version):
    """How many of the version's audience have not accepted it or a later version."""
    return coverage([version])[version.pk]["missing"]


def coverage(versions):
    """Per version id: ``accepted`` (members of the version's audience who accepted it or a
    later version of its policy), ``missing`` (those who have not) and ``total`` (both).

    One query for any number of versions: each version adds two filtered counts to a single
    aggregate over the users, never a query of its own.
    """
    versions = list(versions)
    if not versions:
        return {}
    counts = {}
    for version in versions:
        member = Q(pk__in=audience(version).values("pk"))
        took = Q(
            Exists(
                Acceptance.objects.filter(
                    user_id=OuterRef("pk"),
                    policy_id=version.policy_id,
                    version__number__gte=version.number,
                )
            )
        )
        counts[f"accepted_{version.pk}"] = Count("pk", filter=member & took)
        counts[f"missing_{version.pk}"] = Count("pk", filter=member & ~took)
    row = get_user_model()._default_manager.aggregate(**counts)
    figures = {}
    for version in versions:
        accepted, missing = row[f"accepted_{version.pk}"], row[f"missing_{version.pk}"]
        figures[version.pk] = {
            "accepted": accepted,
            "missing": missing,
            "total": accepted + missing,
        }
    return figures
