"""The periodic ``privacy_tick``: a registry of idempotent steps, one per domain.

A step is a function ``step(now, dry_run) -> dict`` of counts; register it with
``@tick_step("name")`` in the domain's own module so no module has to know them all.
"""

from django.utils import timezone

_steps = {}


def tick_step(name):
    def register(function):
        _steps[name] = function
        return function

    return register


def steps():
    return dict(_steps)


def run(*, dry_run=False, now=None, only=None):
    """Run every step (or those named in ``only``) and return their reports by name."""
    now = now or timezone.now()
    return {
        name: step(now, dry_run) for name, step in _steps.items() if only is None or name in only
    }
