"""Publishing policy versions: the one place that decides and writes the legal record."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import formats as privacy_formats
from ..conf import privacy_settings
from ..i18n import default_language
from ..signals import policy_version_published, policy_version_withdrawn
from .models import ChangeLevel, Policy, PolicyVersion, PolicyVersionText
from .snapshot import content_hash, render_body

_publication_time = ContextVar("wagtail_privacy_publication_time", default=None)


@contextmanager
def publication_time(at):
    """Record publications made inside the block as published at ``at``.

    For importing a document's earlier history (the demo content, a migration from another
    system); every rule is checked against ``at`` as if it were now.
    """
    token = _publication_time.set(at)
    try:
        yield
    finally:
        _publication_time.reset(token)


def _now(now=None):
    return now or _publication_time.get() or timezone.now()


@dataclass(frozen=True)
class PublicationPlan:
    """What publishing a page will record: a new version, or a translation joining one."""

    policy: Policy | None
    joins: PolicyVersion | None = None
    change_level: str = ""
    effective_at: datetime | None = None
    supersedes: PolicyVersion | None = None


def _date(value):
    return privacy_formats.date_time(value)


def plan_publication(*, translation_key, locale, slug, change_level, effective_at, now=None):
    """Decide what publishing would record, or raise ``ValidationError`` keyed by field.

    Rules: a translation of the latest version that lacks this language joins it (number,
    level and dates are shared). Otherwise a new version is planned: editorial takes effect at
    once; minor and major no sooner than their ``NOTICE_DAYS`` after now (minor: at once by
    default, when the shop promises no notice of minor changes). The first
    version of a policy may come without a level: it is recorded as editorial, effective at
    once or on the (future) date given. An upcoming
    version is superseded, and only by a version of at least its level, so a major change
    cannot take effect early by being republished as a lesser one.
    """
    now = _now(now)
    policy = Policy.objects.filter(translation_key=translation_key).first()
    defines_slug = policy is None or locale.language_code == default_language()
    clash = Policy.objects.filter(slug=slug).exclude(translation_key=translation_key)
    if slug and defines_slug and clash.exists():
        raise ValidationError(
            {"slug": _("Another policy already uses the address “%(slug)s”.") % {"slug": slug}}
        )
    latest = None
    if policy is not None:
        latest = policy.versions.filter(withdrawn_at__isnull=True).order_by("-number").first()
    if latest is not None and not latest.texts.filter(locale=locale).exists():
        return PublicationPlan(policy=policy, joins=latest)

    errors = {}
    if not change_level and latest is None:
        # The first version changes nothing and nobody is told of it: with no level chosen,
        # it is recorded as editorial, in effect at once or on the date given.
        if effective_at is not None and effective_at < now:
            raise ValidationError({"effective_at": _("The effective date cannot be in the past.")})
        return PublicationPlan(
            policy=policy,
            change_level=ChangeLevel.EDITORIAL,
            effective_at=effective_at or now,
        )
    if change_level not in ChangeLevel.values:
        raise ValidationError({"change_level": _("Choose the change level of this publication.")})
    if change_level == ChangeLevel.EDITORIAL:
        if effective_at is not None:
            errors["effective_at"] = _(
                "Editorial changes take effect at once: leave the effective date empty."
            )
        effective_at = now
    elif change_level == ChangeLevel.MINOR and not privacy_settings.notice_days("minor"):
        if effective_at is None:
            effective_at = now
        elif effective_at < now:
            errors["effective_at"] = _("The effective date cannot be in the past.")
    else:
        days = privacy_settings.notice_days(change_level)
        earliest = now + timedelta(days=days)
        values = {"days": days, "date": _date(earliest)}
        if effective_at is None:
            errors["effective_at"] = (
                _(
                    "A major change needs an effective date at least %(days)s days ahead "
                    "(on or after %(date)s)."
                )
                if change_level == ChangeLevel.MAJOR
                else _(
                    "This shop promises %(days)s days' notice of minor changes too: give an "
                    "effective date on or after %(date)s."
                )
            ) % values
        elif effective_at < now:
            errors["effective_at"] = _("The effective date cannot be in the past.")
        elif effective_at < earliest:
            errors["effective_at"] = (
                _(
                    "A major change must be announced %(days)s days before it takes effect: "
                    "choose %(date)s or later."
                )
                if change_level == ChangeLevel.MAJOR
                else _(
                    "A minor change must be announced %(days)s days before it takes effect: "
                    "choose %(date)s or later."
                )
            ) % values

    supersedes = None
    if latest is not None and latest.effective_at > now:
        supersedes = latest
        if ChangeLevel.rank(change_level) < ChangeLevel.rank(latest.change_level):
            errors["change_level"] = _(
                "Version %(number)s, a %(level)s change taking effect on %(date)s, is upcoming. "
                "A version that replaces it must be at least %(level)s."
            ) % {
                "number": latest.number,
                "level": ChangeLevel.short_label(latest.change_level).lower(),
                "date": _date(latest.effective_at),
            }
    if errors:
        raise ValidationError(errors)
    return PublicationPlan(
        policy=policy,
        change_level=change_level,
        effective_at=effective_at,
        supersedes=supersedes,
    )


@transaction.atomic
def record_publication(page, revision=None, *, now=None):
    """Record the version that publishing ``page`` (a specific PolicyPage) creates.

    Idempotent per revision. Raises ``ValidationError`` when the publication is not allowed;
    callers publishing inside the same transaction are rolled back with it.
    """
    now = _now(now)
    if revision is not None:
        done = PolicyVersionText.objects.filter(revision_id=revision.pk).first()
        if done is not None:
            return done
    # Serialise publications of the same document so version numbers never clash.
    policy = Policy.objects.select_for_update().filter(translation_key=page.translation_key).first()
    plan = plan_publication(
        translation_key=page.translation_key,
        locale=page.locale,
        slug=page.slug,
        change_level=page.change_level,
        effective_at=page.effective_at,
        now=now,
    )
    if policy is None:
        policy = Policy.objects.create(
            translation_key=page.translation_key,
            slug=page.slug,
            kind=page.kind,
            requires_acceptance=page.requires_acceptance,
        )
    elif page.locale.language_code == default_language():
        policy.slug = page.slug
        policy.kind = page.kind
        policy.requires_acceptance = page.requires_acceptance
        policy.save(update_fields=["slug", "kind", "requires_acceptance"])

    created = plan.joins is None
    withdrawn = None
    if created:
        last = policy.versions.order_by("-number").values_list("number", flat=True).first()
        version = PolicyVersion.objects.create(
            policy=policy,
            number=(last or 0) + 1,
            change_level=plan.change_level,
            requires_acceptance=page.requires_acceptance,
            published_at=now,
            effective_at=plan.effective_at,
        )
        if plan.supersedes is not None:
            withdrawn = plan.supersedes
            withdrawn.withdrawn_at = now
            withdrawn.superseded_by = version
            withdrawn.save(update_fields=["withdrawn_at", "superseded_by"])
            policy_version_withdrawn.send(
                sender=PolicyVersion, version=withdrawn, superseded_by=version
            )
    else:
        version = plan.joins

    body_html = render_body(page)
    text = PolicyVersionText.objects.create(
        version=version,
        locale=page.locale,
        page_id=page.pk,
        revision_id=revision.pk if revision else None,
        title=page.title,
        change_summary=page.change_summary or "",
        body_html=body_html,
        sha256=content_hash(page.title, body_html),
    )
    _log_publication(page, revision, version, text, created, withdrawn)
    policy_version_published.send(sender=PolicyVersion, version=version, text=text, created=created)
    return text


#: The page's history (Wagtail's audit log) records each version with its number, level and
#: dates; ``wagtail_privacy.admin.versions.VersionPublishedFormatter`` words the entry.
VERSION_PUBLISHED = "wagtail_privacy.version_published"


def _log_publication(page, revision, version, text, created, withdrawn):
    """Write the version into the page's history, by whoever publishes (the admin's user)."""
    from wagtail.log_actions import get_active_log_context, log

    user = get_active_log_context().user or getattr(revision, "user", None)
    data = {
        "version": {
            "id": version.pk,
            "number": version.number,
            "change_level": version.change_level,
            "published_at": version.published_at.isoformat(),
            "effective_at": version.effective_at.isoformat(),
            "language": text.locale.language_code,
            "joined": not created,
        },
    }
    if withdrawn is not None:
        data["withdrawn"] = {
            "id": withdrawn.pk,
            "number": withdrawn.number,
            "effective_at": withdrawn.effective_at.isoformat(),
        }
    log(page, VERSION_PUBLISHED, user=user, revision=revision, data=data)
