"""Consents that expire (a purpose's ``valid_for``) are asked to be renewed before they do.

``privacy_tick`` emails each customer (or guest address) whose standing grant expires within
``CONSENT_RENEWAL_NOTICE_DAYS``, in their language, once per grant: the record says when
(``renewal_requested_at``, set once). A grant that lapsed already (expired, or given to an
earlier wording) is not asked for: the consent page shows why it no longer counts.
"""

from collections import defaultdict
from datetime import timedelta
from itertools import groupby

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from .. import mail
from ..batching import batches
from ..conf import privacy_settings
from ..i18n import customer_languages, default_language
from ..periods import add_months
from ..tick import tick_step
from .models import Channel, ConsentRecord

BATCH_SIZE = 500
#: Calendar months are not exact inverses (31 Jan + 1 month = 28 Feb), nor are days across a
#: change of clocks: the query takes this much more and each grant is checked exactly.
SLACK = timedelta(days=4)


def _before(moment, period):
    """``moment`` minus ``period``, roughly (see ``SLACK``)."""
    if period.unit == "d":
        return moment - timedelta(days=period.count)
    return add_months(moment, -period.count)


def _subject_key(record):
    return ("user", record.user_id) if record.user_id else ("guest", record.email_sha256)


def candidates(now):
    """Standing grants, not asked yet, of purposes on offer that expire, given about when
    they would expire within the notice window: a query to check exactly (``due``)."""
    from .service import purposes, renewal_window

    window = renewal_window()
    later = ConsentRecord.objects.filter(
        purpose_key=OuterRef("purpose_key"),
        channel=OuterRef("channel"),
        sequence__gt=OuterRef("sequence"),
    )
    latest = (Q(user__isnull=False) & ~Exists(later.filter(user=OuterRef("user")))) | (
        Q(user__isnull=True)
        & ~Q(email="")
        & ~Exists(later.filter(user__isnull=True, email_sha256=OuterRef("email_sha256")))
    )
    which = Q(pk__in=[])
    for purpose in purposes(default_language()):
        validity = purpose.validity
        if validity is None:
            continue
        mine = Q(
            purpose_key=purpose.key,
            at__gt=_before(now, validity) - SLACK,
            at__lte=_before(now + window, validity) + SLACK,
        )
        if purpose.renew_on_wording_change:
            mine &= Q(wording_version=purpose.wording_version)  # else lapsed already
        which |= mine
    return ConsentRecord.objects.filter(
        which, latest, granted=True, renewal_requested_at__isnull=True
    )


def due(records, now):
    """Those of ``records`` that expire after ``now`` and within the notice window, with when."""
    from .service import judge, renewal_window, rules

    known, until = rules(), now + renewal_window()
    for record in records:
        rule = known.get(record.purpose_key)
        if rule is None:
            continue
        judged = judge(rule, record.wording_version, record.at, now)
        if judged.counts and judged.expires_at is not None and judged.expires_at <= until:
            yield record, judged.expires_at


def _context(rows, language, account_url, root):
    from .service import purposes

    names = {p.key: p.name for p in purposes(language, include_retired=True)}
    channels = dict(Channel.choices)
    return {
        "expiring": [
            {
                "purpose": names.get(record.purpose_key, record.purpose_key),
                "channel": channels.get(record.channel, record.channel),
                "expires_at": expires_at,
            }
            for record, expires_at in rows
        ],
        "account_url": account_url,
        "site_url": root,
    }


def ask(now, *, dry_run=False):
    """Email each subject whose grants expire soon, once per grant; returns the counts."""
    root = mail.site_root()
    emailed = grants = 0
    for batch in batches(candidates(now).select_related("user"), BATCH_SIZE):
        rows = sorted(due(batch, now), key=lambda row: (_subject_key(row[0]), row[0].pk))
        groups = [list(group) for _key, group in groupby(rows, lambda r: _subject_key(r[0]))]
        if dry_run:
            emailed, grants = emailed + len(groups), grants + len(rows)
            continue
        users = [group[0][0].user for group in groups if group[0][0].user_id]
        languages = defaultdict(default_language, customer_languages(users))
        for group in groups:
            first = group[0][0]
            address = mail.email_address(first.user) if first.user_id else first.email
            language = languages[first.user_id] if first.user_id else default_language()
            ids = [record.pk for record, _at in group]
            with transaction.atomic():
                # Claimed by the first statement of the transaction that sends (on SQLite, a
                # read first would take a lock another tick's write blocks): a failed send
                # leaves the grants to the next tick, and an overlapping tick waits for this
                # one, then finds them taken. The rows stamped ``now`` are this run's.
                pending = ConsentRecord.objects.filter(pk__in=ids, renewal_requested_at=None)
                if not pending.fill_once(renewal_requested_at=now):
                    continue
                claimed = set(
                    ConsentRecord.objects.filter(pk__in=ids, renewal_requested_at=now).values_list(
                        "pk", flat=True
                    )
                )
                if not address:
                    continue  # nowhere to ask: counted as asked, not to try forever
                mine = [row for row in group if row[0].pk in claimed]
                account_url = privacy_settings.ACCOUNT_URL if first.user_id else None
                context = _context(mine, language, account_url, root)
                mail.send(address, "consent_renewal", context, language)
            emailed, grants = emailed + 1, grants + len(mine)
    if dry_run:
        return {"to_email": emailed, "grants": grants}
    return {"emailed": emailed, "grants": grants}


@tick_step("consent_renewals")
def ask_for_renewals(now, dry_run):
    """Ask customers to renew the consents that expire within the notice window."""
    return ask(now, dry_run=dry_run)
