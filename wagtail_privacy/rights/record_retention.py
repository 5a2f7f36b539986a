"""Retention of records by age: each source's rule (``keep_for``, or its own
``apply_retention``), applied to the records of live and erased accounts alike.

Every real run is recorded as a ``RetentionRun`` and logged, with counts only.
"""

import logging

from django.utils import timezone

from ..sources import registry
from .models import RetentionRun

logger = logging.getLogger("wagtail_privacy.retention")


def sources_with_rules():
    return [source for source in registry.sources() if source.has_retention_rule()]


def apply_rules(now, dry_run=False):
    """Apply every source's retention rule; returns ``{source name: records retired}``, or in
    a dry run how many are due, changing nothing and recording nothing.

    Each source works in batches that commit one by one, so a run that dies has retired whole
    batches and its ``RetentionRun`` stays unfinished; the next run retires the rest.
    """
    sources = sources_with_rules()
    if dry_run:
        return {source.name: source.apply_retention(now, dry_run=True) for source in sources}
    run = RetentionRun.objects.create(started_at=timezone.now())
    counts = {}
    try:
        for source in sources:
            counts[source.name] = source.apply_retention(now)
    except Exception:
        # What the sources before the failing one did is still on record; the run is left
        # unfinished.
        RetentionRun.objects.filter(pk=run.pk).fill_once(counts=counts)
        logger.error("retention run %s stopped; records retired before: %s", run.pk, counts)
        raise
    RetentionRun.objects.filter(pk=run.pk).fill_once(finished_at=timezone.now(), counts=counts)
    logger.info("retention run %s finished; records retired per source: %s", run.pk, counts)
    return counts
