"""Signal wiring for notices, connected from ``AppConfig.ready``."""

from django.db import transaction

from ..signals import policy_version_published, policy_version_withdrawn
from . import gate


def on_version_published(sender, version, created, **kwargs):
    from .fanout import notifies
    from .tasks import notify_version

    gate.forget_requirements()
    transaction.on_commit(gate.forget_requirements)
    # Also when a translation joins: its customers' emails were waiting for it.
    if notifies(version):
        transaction.on_commit(lambda: notify_version.enqueue(version.pk))


def on_version_withdrawn(sender, version, **kwargs):
    from .fanout import retract
    from .tasks import notify_withdrawal

    retract(version)
    transaction.on_commit(lambda: notify_withdrawal.enqueue(version.pk))
    gate.forget_requirements()
    transaction.on_commit(gate.forget_requirements)


def connect():
    policy_version_published.connect(on_version_published, dispatch_uid="privacy_notices_pub")
    policy_version_withdrawn.connect(on_version_withdrawn, dispatch_uid="privacy_notices_wd")
