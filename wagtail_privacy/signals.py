"""Signals for host integration."""

from django.dispatch import Signal

#: Sent when a policy version is recorded. Arguments: ``version``, ``text`` (the
#: language just published) and ``created`` (False when a translation joined a version).
policy_version_published = Signal()

#: Sent when an upcoming version is withdrawn because a newer one replaced it.
#: Arguments: ``version``, ``superseded_by``.
policy_version_withdrawn = Signal()
