"""Reminding the privacy officers of requests that fall due: one email digest per run of
``privacy_tick``, naming each request once when it is due soon and once when it is overdue.

Other domains add sections (notices to recipients left unanswered) through the
``collecting_reminders`` signal: rights knows nothing of them."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from wagtail.users.models import UserProfile

from .. import mail
from ..i18n import default_language
from ..signals import collecting_reminders
from ..tick import tick_step
from .models import DataRequest
from .stats import due_condition

PERMISSION = "wagtail_privacy.access_privacy_centre"
logger = logging.getLogger("wagtail_privacy.rights")


def officers():
    """Active users who hold the privacy-centre permission (through a group or their own);
    superusers only when nobody does, so that someone is always told."""
    User = get_user_model()
    found = User._default_manager.with_perm(PERMISSION, include_superusers=False)
    if not found.exists():
        found = User._default_manager.filter(is_active=True, is_superuser=True)
    return list(found.filter(is_active=True).order_by("pk"))


def _pending(now):
    """(due soon, overdue): open requests not yet named at that threshold, by deadline."""
    by_deadline = (Coalesce("extended_until", "due_at"), "pk")
    due_soon = DataRequest.objects.filter(
        due_condition("due_soon", now), reminded_due_soon_at__isnull=True
    )
    overdue = DataRequest.objects.filter(
        due_condition("overdue", now), reminded_overdue_at__isnull=True
    )
    return list(due_soon.order_by(*by_deadline)), list(overdue.order_by(*by_deadline))


def _list_url(**filters):
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or mail.site_root()
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return f"{base.rstrip('/')}{reverse('wagtail_privacy_requests:index')}?{query}"


def _language(user):
    code = UserProfile.get_for_user(user).get_preferred_language()
    return code or default_language()


def _other_sections(now, dry_run):
    """What other domains add to the digest (``collecting_reminders``). A receiver that fails
    is logged and left out: the requests are still named."""
    sections = []
    for receiver, answer in collecting_reminders.send_robust(
        sender=DataRequest, now=now, dry_run=dry_run
    ):
        if isinstance(answer, Exception):
            logger.error(
                "collecting_reminders receiver %r failed: %s", receiver, type(answer).__name__
            )
            continue
        if answer:
            sections.append(answer)
    return sections


@tick_step("request_reminders")
def remind(now, dry_run):
    """Email the privacy officers a digest of requests newly due soon or overdue.

    Each request is named at most once per threshold: the run marks the requests it named,
    in the transaction that also waits for the emails. If sending fails, nothing is marked and
    the next run tries again; a crash between sending and committing names them again once.
    """
    due_soon, overdue = _pending(now)
    sections = _other_sections(now, dry_run)
    report = {"due_soon": len(due_soon), "overdue": len(overdue), "emailed": 0}
    report.update((section["key"], len(section["items"])) for section in sections)
    sections = [section for section in sections if section["items"]]
    if dry_run or not (due_soon or overdue or sections):
        return report
    context = {
        "due_soon": due_soon,
        "overdue": overdue,
        "due_soon_url": _list_url(due="due_soon"),
        "overdue_url": _list_url(due="overdue"),
        "sections": sections,
        "now": now,
    }
    with transaction.atomic():
        for section in sections:
            section["mark"]()
        DataRequest.objects.filter(pk__in=[r.pk for r in due_soon]).update(reminded_due_soon_at=now)
        # An overdue request was due soon once: it is not named as such any more.
        DataRequest.objects.filter(pk__in=[r.pk for r in overdue]).update(
            reminded_overdue_at=now,
            reminded_due_soon_at=Coalesce("reminded_due_soon_at", Value(now)),
        )
        for officer in officers():
            report["emailed"] += mail.send(
                mail.email_address(officer), "request_reminder", context, _language(officer)
            )
    return report
