"""Background work that failed, kept where the privacy officer sees it.

Every task of the plugin and every ``privacy_tick`` step runs through ``recorded``: a failure
is written to ``BackgroundFailure`` (which work, on which objects, the exception's type and
where it was raised, never its message, which may quote personal data) and raised again, so
the task backend records it too. The work is retried by ``privacy_tick`` (a lost fan-out, a
dead export, an erasure taken over), and a later success of the same work marks the failure
resolved; until then the privacy centre lists it.
"""

import functools
import logging
import traceback
from pathlib import Path

from django.db import DatabaseError, IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("wagtail_privacy.background")
_labels = {}
PACKAGE = Path(__file__).resolve().parent
TICK_PREFIX = "privacy_tick."


class BackgroundFailure(models.Model):
    """One piece of background work that failed, with its attempts, until it succeeds."""

    work = models.CharField(_("work"), max_length=100)
    subject = models.CharField(_("on"), max_length=200, blank=True)
    error = models.CharField(_("error"), max_length=300)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=1)
    first_failed_at = models.DateTimeField(_("first failed at"))
    last_failed_at = models.DateTimeField(_("last failed at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        app_label = "wagtail_privacy"
        verbose_name = _("background failure")
        verbose_name_plural = _("background failures")
        ordering = ["-last_failed_at"]
        constraints = [
            models.UniqueConstraint(fields=["work", "subject"], name="privacy_failure_once")
        ]

    def __str__(self):
        return f"{self.work} ({self.subject})"

    @property
    def label(self):
        step = self.work.removeprefix(TICK_PREFIX)
        if step != self.work:
            return _("privacy_tick step “%(name)s”") % {"name": step}
        return _labels.get(self.work, self.work)


def where(error):
    """The exception's type and the innermost frame of this package (else the innermost)."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if Path(f.filename).resolve().is_relative_to(PACKAGE)]
    frame = (ours or frames or [None])[-1]
    if frame is None:
        return type(error).__name__
    path = Path(frame.filename).resolve()
    name = path.relative_to(PACKAGE.parent) if path.is_relative_to(PACKAGE.parent) else path.name
    return f"{type(error).__name__} in {frame.name} ({name}:{frame.lineno})"[:300]


def record_failure(work, subject, error):
    now = timezone.now()
    fields = {"error": where(error), "last_failed_at": now, "resolved_at": None}
    failures = BackgroundFailure.objects.filter(work=work, subject=subject)
    try:
        if failures.update(attempts=F("attempts") + 1, **fields):
            return
        try:
            with transaction.atomic():
                BackgroundFailure.objects.create(
                    work=work, subject=subject, first_failed_at=now, **fields
                )
        except IntegrityError:  # recorded by another run meanwhile: count on its row
            failures.update(attempts=F("attempts") + 1, **fields)
    except DatabaseError:
        logger.exception("Could not record the failure of %s (%s)", work, subject)


def record_success(work, subject):
    try:
        BackgroundFailure.objects.filter(
            work=work, subject=subject, resolved_at__isnull=True
        ).update(resolved_at=timezone.now())
    except DatabaseError:
        logger.exception("Could not mark %s (%s) resolved", work, subject)


def subject_of(args):
    """The work's objects: its plain arguments (primary keys, kinds), never data."""
    return ", ".join(str(a) for a in args if isinstance(a, str | int))[:200]


def recorded(label):
    """Record failures (and the success that resolves them) of the decorated work.

    Put it under ``@task()``; the work is named by its module and function.
    """

    def decorate(function):
        work = f"{function.__module__.removeprefix('wagtail_privacy.')}.{function.__name__}"
        _labels[work] = label

        @functools.wraps(function)
        def run(*args, **kwargs):
            subject = subject_of(args)
            try:
                result = function(*args, **kwargs)
            except Exception as error:
                record_failure(work, subject, error)
                raise
            record_success(work, subject)
            return result

        return run

    return decorate


def step_work(name):
    return f"{TICK_PREFIX}{name}"


def unresolved():
    return BackgroundFailure.objects.filter(resolved_at__isnull=True)
