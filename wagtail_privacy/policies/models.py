"""The legal record of a policy: its identity across languages and its frozen versions."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..records import AppendOnlyModel
from .current import PolicyVersionQuerySet


class ChangeLevel(models.TextChoices):
    EDITORIAL = "editorial", _("Editorial (wording or typos; effective at once; no notice)")
    MINOR = "minor", _("Minor (substantive; notice in the account area)")
    MAJOR = "major", _("Major (significant; advance notice and email)")

    @classmethod
    def rank(cls, value):
        return [cls.EDITORIAL, cls.MINOR, cls.MAJOR].index(value)

    @classmethod
    def short_label(cls, value):
        return {
            cls.EDITORIAL: _("Editorial"),
            cls.MINOR: _("Minor"),
            cls.MAJOR: _("Major"),
        }[value]


class VersionStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    UPCOMING = "upcoming", _("Upcoming")
    ARCHIVED = "archived", _("Archived")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Policy(models.Model):
    """One legal document across all its languages (the pages sharing a translation key)."""

    translation_key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("slug"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=50)
    requires_acceptance = models.BooleanField(_("customers must accept it"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["slug"]

    def __str__(self):
        return self.slug


class PolicyVersion(AppendOnlyModel):
    """A published version: number, level and dates shared by every language."""

    mutable_once_fields = ("withdrawn_at", "superseded_by")

    # Append-only, with the one rule of which version is current (``live()``,
    # ``current_at(now)``...: see ``current.py``). No schema change: managers are not migrated.
    objects = PolicyVersionQuerySet.as_manager()

    policy = models.ForeignKey(
        Policy, on_delete=models.PROTECT, related_name="versions", verbose_name=_("policy")
    )
    number = models.PositiveIntegerField(_("number"))
    change_level = models.CharField(_("change level"), max_length=20, choices=ChangeLevel.choices)
    requires_acceptance = models.BooleanField(_("customers must accept it"), default=False)
    published_at = models.DateTimeField(_("published at"))
    effective_at = models.DateTimeField(_("effective from"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("superseded by"),
    )

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        # By number only: ordering by the policy would join it into every query.
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="privacy_version_number"),
        ]
        indexes = [models.Index(fields=["policy", "effective_at"], name="privacy_version_eff")]

    def __str__(self):
        return f"{self.policy.slug} v{self.number}"

    def status_at(self, now, current_id):
        if self.withdrawn_at:
            return VersionStatus.WITHDRAWN
        if self.pk == current_id:
            return VersionStatus.CURRENT
        if self.effective_at > now:
            return VersionStatus.UPCOMING
        return VersionStatus.ARCHIVED


class PolicyVersionText(AppendOnlyModel):
    """The frozen text of a version in one language, with the SHA-256 of that text."""

    version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, related_name="texts", verbose_name=_("version")
    )
    locale = models.ForeignKey(
        "wagtailcore.Locale", on_delete=models.PROTECT, related_name="+", verbose_name=_("locale")
    )
    # Plain ids, not foreign keys: deleting a page or pruning revisions must not touch the record.
    page_id = models.PositiveIntegerField(_("page id"), db_index=True)
    revision_id = models.PositiveIntegerField(_("revision id"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=255)
    change_summary = models.TextField(_("summary of changes"), blank=True)
    body_html = models.TextField(_("frozen content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("policy version text")
        verbose_name_plural = _("policy version texts")
        constraints = [
            models.UniqueConstraint(fields=["version", "locale"], name="privacy_version_locale"),
        ]

    def __str__(self):
        return f"{self.version} ({self.locale_id})"


class PolicyVersionPdf(models.Model):
    """The PDF of a version text, rendered once and kept in storage.

    A row is created to claim the render, so concurrent first requests render only once;
    ``rendered_at`` is set when the file is stored.
    """

    text = models.OneToOneField(
        PolicyVersionText, on_delete=models.PROTECT, related_name="pdf", verbose_name=_("text")
    )
    file = models.CharField(_("file"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("render started at"))
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy version PDF")
        verbose_name_plural = _("policy version PDFs")

    def __str__(self):
        return self.file or f"PDF of {self.text_id} (rendering)"
