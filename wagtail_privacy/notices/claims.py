"""The email state of notices while they are sent: each kind of email's columns for the
claims, records and recovery of lost runs (``wagtail_privacy.claims``)."""

from .. import claims
from ..claims import CLAIM_AHEAD, RUNS_TABLE  # noqa: F401 - the notices' figures
from . import emails
from .models import ChangeNotice

STATE_FIELDS = {
    emails.CHANGE: ("email_state", "emailed_at"),
    emails.EFFECTIVE: ("effective_email_state", "effective_emailed_at"),
    emails.WITHDRAWN: ("withdrawal_email_state", "withdrawal_emailed_at"),
    emails.REMINDER: ("reminder_email_state", "reminder_emailed_at"),
}


def columns(kind):
    """The columns of the ``kind`` email of ``ChangeNotice``."""
    state, sent_at = STATE_FIELDS[kind]
    return claims.Columns(
        ChangeNotice,
        state=state,
        sent_at=sent_at,
        # The change email's Message-ID is the notice's proof, kept even if unconfirmed.
        keep_message_id="claim" if kind == emails.CHANGE else None,
        # A retracted notice gets no email, but the one saying its version was withdrawn.
        unless_set=None if kind == emails.WITHDRAWN else "retracted_at",
    )


class Claims(claims.Claims):
    """The claims of one run sending the ``kind`` email of notices."""

    def __init__(self, kind):
        super().__init__(columns(kind))


def recover(version, kind, since):
    """Settle the claims on ``version``'s ``kind`` emails of runs that stopped before
    ``since`` (``claims.recover``); how many went back to pending."""
    return claims.recover(columns(kind), ChangeNotice.objects.filter(version=version), since)
