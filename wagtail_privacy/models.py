"""Model registry of the app; each domain keeps its models in its own package."""

from .background import BackgroundFailure
from .breaches.models import Breach, BreachNotice, BreachNotification
from .consent.models import ConsentPurpose, ConsentRecord
from .cookies.models import CookieCategory, CookieConsentRecord, CookieItem
from .notices.models import Acceptance, AcceptanceChannel, ChangeNotice, EmailState
from .policies.models import (
    ChangeLevel,
    Policy,
    PolicyVersion,
    PolicyVersionPdf,
    PolicyVersionText,
    VersionStatus,
)
from .policies.pages import PolicyPage
from .recipients.models import Recipient, RecipientNotification
from .restriction import Restriction
from .rights.models import (
    AccountClosure,
    DataExport,
    DataRequest,
    DataRequestEvent,
    ErasureStep,
    RetentionRun,
)

__all__ = [
    "BackgroundFailure",
    "Breach",
    "BreachNotice",
    "BreachNotification",
    "AccountClosure",
    "ErasureStep",
    "RetentionRun",
    "Acceptance",
    "AcceptanceChannel",
    "ChangeNotice",
    "ConsentPurpose",
    "ConsentRecord",
    "CookieCategory",
    "CookieConsentRecord",
    "CookieItem",
    "DataExport",
    "DataRequest",
    "DataRequestEvent",
    "EmailState",
    "ChangeLevel",
    "Policy",
    "PolicyPage",
    "PolicyVersion",
    "PolicyVersionPdf",
    "PolicyVersionText",
    "Recipient",
    "RecipientNotification",
    "Restriction",
    "VersionStatus",
]
