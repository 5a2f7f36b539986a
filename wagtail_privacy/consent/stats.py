"""Figures of consent, for the privacy centre."""

from django.db.models import Count, Max

from .models import ConsentRecord


def opt_in_counts():
    """{(purpose, channel): subjects whose latest record grants it}: one query.

    A subject is an account, or an email address for guests (its hash); their latest record
    per purpose and channel is the one that stands.
    """
    latest = ConsentRecord.objects.values(
        "user_id", "email_sha256", "purpose_key", "channel"
    ).annotate(last=Max("pk"))
    granted = (
        ConsentRecord.objects.filter(pk__in=latest.values("last"), granted=True)
        .values("purpose_key", "channel")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(row["purpose_key"], row["channel"]): row["n"] for row in granted}
