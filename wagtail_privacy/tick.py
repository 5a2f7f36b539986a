"""The periodic ``privacy_tick``: a registry of idempotent steps, one per domain.

A step is a function ``step(now, dry_run) -> dict`` of counts; register it with
``@tick_step("name")`` in the domain's own module so no module has to know them all.
"""

import logging
import traceback

from django.utils import timezone

from . import background

logger = logging.getLogger("wagtail_privacy.tick")
_steps = {}


def tick_step(name):
    def register(function):
        _steps[name] = function
        return function

    return register


def steps():
    return dict(_steps)


class StepFailed(Exception):
    """A step raised; the others ran. ``reports`` holds every step's report."""

    def __init__(self, failed, reports):
        super().__init__(f"privacy_tick step(s) failed: {', '.join(failed)}")
        self.failed = failed
        self.reports = reports


def run(*, dry_run=False, now=None, only=None):
    """Run every step (or those named in ``only``) and return their reports by name.

    A failing step does not stop the others (a mail server down must not hold up the purge of
    expired holds); every step is idempotent, so the next run retries it. Then ``StepFailed``
    is raised with all the reports.
    """
    now = now or timezone.now()
    reports, failed = {}, []
    for name, step in _steps.items():
        if only is not None and name not in only:
            continue
        work = background.step_work(name)
        try:
            reports[name] = step(now, dry_run)
        except Exception as error:
            if not dry_run:
                background.record_failure(work, "", error)
            failed.append(name)
            reports[name] = {"failed": type(error).__name__}
            # Where it failed, without the message: messages may quote personal data.
            logger.error(
                "privacy_tick step %s failed with %s at:\n%s",
                name,
                type(error).__name__,
                "".join(traceback.format_tb(error.__traceback__)),
            )
        else:
            if not dry_run:
                background.record_success(work, "")
    if failed:
        raise StepFailed(failed, reports)
    return reports
