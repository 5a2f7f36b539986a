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

#: Sent during a guest's erasure (records kept under an email address, no account), once every
#: source has erased them and before the receipt is emailed. Arguments: ``request`` (the
#: ``DataRequest``), ``email`` (the confirmed address) and ``receipt`` (per source what was
#: erased). A receiver may return the names of the recipients told, which the receipt lists.
#: Sent with ``send_robust``, and again if an interrupted erasure resumes: receivers are
#: idempotent per request.
guest_erasing = Signal()

#: Asked by the privacy officers' reminder digest (``privacy_tick``'s ``request_reminders``
#: step). Arguments: ``now``, ``dry_run``. A receiver returns ``None`` or a section of the
#: digest: a dict with ``key`` (its name in the step's report), ``heading`` (lazy text: each
#: officer reads the digest in their language), ``items`` (dicts of ``label``, lazy text naming
#: nobody beyond what staff see in the admin, and ``due``, a datetime), ``url`` (where to act)
#: and ``mark`` (a callable run in the transaction that sends the digest, recording that those
#: items were named, so each is named once). A section is listed only when it has items.
collecting_reminders = Signal()

#: Sent once a rectification has been applied (Art. 16). Arguments: ``user``, ``source`` (its
#: name), ``fields`` (the names of the corrected fields) and ``request`` (the ledger's request).
rectified = Signal()
