"""What a customer is told under Art. 15 GDPR beyond their data: who the controller is, how to
reach them and the data protection officer, where to complain, transfers outside the EEA,
automated decisions, and per source the purposes, legal basis, recipients, retention and origin.

Everything comes from settings (``CONTROLLER_CONTACT``, ``DPO_CONTACT``,
``SUPERVISORY_AUTHORITY``, ``TRANSFERS``, ``AUTOMATED_DECISIONS``) and the registered sources;
the API and the export render it in the reader's language.
"""

from django.utils.translation import gettext as _

from .conf import privacy_settings
from .sources import registry

AUTHORITY_KEYS = ("name", "address", "email", "url")


def authority():
    """The supervisory authority as a dict of ``AUTHORITY_KEYS`` (text), or None."""
    value = privacy_settings.SUPERVISORY_AUTHORITY
    if not value:
        return None
    return {key: str(value.get(key) or "") for key in AUTHORITY_KEYS}


def transfers(source=None):
    """The transfers outside the EEA of ``source`` (its own statement), else the shop's."""
    own = getattr(source, "transfers", None)
    if own is not None:
        return str(own)
    shop = privacy_settings.TRANSFERS
    return str(shop) if shop is not None else ""


def controller():
    """Who decides about the data, how to reach them and their data protection officer."""
    return {
        "name": str(privacy_settings.controller_name),
        "contact": str(privacy_settings.CONTROLLER_CONTACT or ""),
        "dpo_contact": str(privacy_settings.DPO_CONTACT or "") or None,
    }


def automated_decisions():
    stated = privacy_settings.AUTOMATED_DECISIONS
    if stated is not None:
        return str(stated)
    return _("We make no decisions about you based solely on automated processing.")


def describe(source):
    """``source.describe()`` with its transfers completed from the settings."""
    return {**source.describe(), "transfers": transfers(source)}


def sources():
    """Each registered source's Art. 15 information."""
    return [describe(source) for source in registry.sources()]


def information():
    """The whole Art. 15 information that does not depend on the customer."""
    return {
        "controller": controller(),
        "supervisory_authority": authority(),
        "automated_decisions": automated_decisions(),
        "transfers": transfers(),
        "sources": sources(),
    }
