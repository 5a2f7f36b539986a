"""Signals for host integration."""

from django.dispatch import Signal

#: Sent when a policy version is recorded. Arguments: ``version``, ``text`` (the
#: language just published) and ``created`` (False when a translation joined a version).
policy_version_published = Signal()

#: Sent when an upcoming version is withdrawn because a newer one replaced it.
#: Arguments: ``version``, ``superseded_by``.
policy_version_withdrawn = Signal()

#: Sent when a customer accepts a policy version. Arguments: ``acceptance``.
policy_version_accepted = Signal()

#: Sent when a customer declines a policy version. Arguments: ``decline``.
policy_version_declined = Signal()

#: Sent once the notices of a version have been created and emailed. Arguments: ``version``,
#: ``notices`` (created), ``emailed``, ``failed``.
policy_change_notified = Signal()

#: Sent when a customer's data export is ready. Arguments: ``export``.
data_exported = Signal()

#: Sent when a customer deactivates their account. Arguments: ``closure``.
account_deactivated = Signal()

#: Sent when an account has been erased. Arguments: ``closure`` (its ``receipt`` says what
#: was deleted, anonymised and held; it holds no personal data).
account_erased = Signal()

#: Sent when a customer proves an email address is theirs (a code emailed to it, during a
#: step-up verification). Arguments: ``user``. Consent joins the guest consents given with
#: that address to the account.
email_verified = Signal()

#: Sent when a customer's account is restricted (GDPR Art. 18) or the restriction is lifted.
#: Arguments: ``user``, ``restricted``. Consent forgets the customer's cached state.
restriction_changed = Signal()

#: Sent once objections to purposes based on legitimate interest (GDPR Art. 21) are recorded.
#: Arguments: ``records`` (the ``ConsentRecord``s, ``objection`` True). Rights opens a
#: completed objection request for each customer.
objected = Signal()

#: Sent during an erasure, once every source has erased the accounts of ``closures`` and
#: before the receipts are emailed (the users are still there). Arguments: ``closures`` (each
#: with its ``user`` and its ``receipt``: per source what was erased). A receiver may return
#: ``{closure pk: [names]}``: the recipients told of the erasure, which the receipt lists.
#: Sent with ``send_robust``: a failing receiver never stops an erasure.
account_erasing = Signal()

#: Sent once a rectification has been applied (Art. 16). Arguments: ``user``, ``source`` (its
#: name), ``fields`` (the names of the corrected fields) and ``request`` (the ledger's request).
rectified = Signal()
