"""Figures of cookie consent, for the privacy centre."""

from datetime import timedelta

from django.db.models import CharField, Count, F, Max, Value, When
from django.db.models.expressions import Case
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from ..conf import privacy_settings
from .models import CookieConsentRecord


def opt_in_counts(fingerprints, now=None):
    """{category key: (allowed, decided)}: of the subjects whose choice about the category
    counts (made under its current fingerprint, ``fingerprints`` {key: fingerprint}, within
    ``COOKIE_CONSENT_MAX_AGE``), how many allowed it. One query.

    A subject is an account, or a browser (its visitor id) for choices made signed out.
    """
    now = now or timezone.now()
    subject = Case(
        When(user__isnull=False, then=Concat(Value("u"), Cast("user_id", CharField()))),
        default=Concat(Value("v"), F("visitor_id")),
        output_field=CharField(),
    )
    latest = (
        CookieConsentRecord.objects.annotate(subject=subject)
        .values("subject", "category_key")
        .annotate(last=Max("pk"))
        .values("last")
    )
    since = now - timedelta(seconds=privacy_settings.COOKIE_CONSENT_MAX_AGE)
    rows = (
        CookieConsentRecord.objects.filter(pk__in=latest, at__gt=since)
        .values("category_key", "fingerprint", "granted")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = {key: [0, 0] for key in fingerprints}
    for row in rows:
        key = row["category_key"]
        if key not in fingerprints or row["fingerprint"] != fingerprints[key]:
            continue
        found[key][1] += row["n"]
        if row["granted"]:
            found[key][0] += row["n"]
    return {key: tuple(counts) for key, counts in found.items()}
