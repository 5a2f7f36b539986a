"""Model registry of the app; each domain keeps its models in its own package."""

from .policies.models import (
    ChangeLevel,
    Policy,
    PolicyVersion,
    PolicyVersionPdf,
    PolicyVersionText,
    VersionStatus,
)
from .policies.pages import PolicyPage

__all__ = [
    "ChangeLevel",
    "Policy",
    "PolicyPage",
    "PolicyVersion",
    "PolicyVersionPdf",
    "PolicyVersionText",
    "VersionStatus",
]
