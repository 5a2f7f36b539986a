"""Erasures on hold: something the customer must settle first (an unpaid order) blocks them.

Every erasure, whatever its kind (deletion, end of a deactivation, inactivity), checks the
sources' blockers once the sweep has claimed the account and before any source erases it
(``closure._hold_blocked``): a blocked account is not erased, its closure waits in state
``blocked`` with the blockers found, and the account stays as it was (deactivated, or usable
for an inactive customer). Then, on each ``privacy_tick``:

- ``release`` checks the holds again, in batches: a hold nothing blocks any more goes back to
  ``scheduled``, and the same tick erases it; an inactive customer who signed in since the
  warning keeps the account (the closure is cancelled, as for a warned one); a customer with
  a deactivated account or a pending deletion may still reactivate or cancel as before;
- ``send_notices`` tells each customer once (``blocked_notice_sent_at``), in their language,
  what to settle, sent by task workers as the warnings are.
"""

from django.db.models import Q

from .. import mail
from ..batching import batches
from ..conf import privacy_settings
from . import closure as closures
from . import retention
from .models import AccountClosure, ClosureKind, ClosureState


def on_hold():
    return AccountClosure.objects.filter(state=ClosureState.BLOCKED)


def notice_pending():
    """Closures on hold whose customer has not been told what to settle yet."""
    return Q(state=ClosureState.BLOCKED, blocked_notice_sent_at__isnull=True)


def release(now, dry_run=False):
    """Check the holds again: (released, cancelled) counts.

    Only holds no live run claims (a notice being sent) are checked; the others next time.
    """
    free = on_hold().filter(closures._free()).select_related("user")
    released = cancelled = 0
    for batch in batches(free, privacy_settings.RETENTION_BATCH_SIZE):
        owned = [c for c in batch if c.user_id]
        found = closures.blockers_of([c.user for c in owned])
        inactive = [c.user for c in owned if c.kind == ClosureKind.INACTIVITY]
        activity = retention._last_activity(inactive) if inactive else {}
        back, clear, changed = [], [], []
        for closure in batch:
            seen = activity.get(closure.user_id)
            if closure.warned_at and seen and seen > closure.warned_at:
                back.append(closure.pk)
            elif not found.get(closure.user_id):
                clear.append(closure.pk)
            elif found[closure.user_id] != closure.blockers:
                closure.blockers = found[closure.user_id]
                changed.append(closure)
        released += len(clear)
        cancelled += len(back)
        if dry_run:
            continue
        # Only holds still free: a customer may have reactivated meanwhile.
        still = on_hold().filter(closures._free())
        still.filter(pk__in=back).update(state=ClosureState.CANCELLED, cancelled_at=now)
        still.filter(pk__in=clear).update(
            state=ClosureState.SCHEDULED, blockers=[], blocked_at=None
        )
        # What the centre lists follows what blocks now (one order paid, another not).
        AccountClosure.objects.bulk_update(changed, ["blockers"])
    return released, cancelled


def would_hold(now):
    """How many of the erasures due now a sweep would put on hold (for the dry run)."""
    due = AccountClosure.objects.filter(
        state=ClosureState.SCHEDULED, scheduled_for__lte=now, user__isnull=False
    ).select_related("user")
    count = 0
    for batch in batches(due, privacy_settings.RETENTION_BATCH_SIZE):
        found = closures.blockers_of([c.user for c in batch])
        count += sum(1 for c in batch if found[c.user_id])
    return count


def _notice_context(closure, root):
    # Asked again in the customer's language; what was found at the hold if nothing now.
    current = closures.blockers_of([closure.user])[closure.user_id]
    context = {
        "blockers": [b["message"] for b in current or closure.blockers],
        "account_url": privacy_settings.ACCOUNT_URL,
        "reactivate_url": "",
    }
    if closure.kind != ClosureKind.INACTIVITY:
        # A fresh link: the one of the first email may expire while the erasure is on hold.
        context["reactivate_url"] = closures.reactivation_url(closure, root)
    return context


def send_notices(now, limit):
    """Tell up to ``limit`` customers whose erasure is on hold what to settle; returns how
    many emails were sent. Each batch is claimed first, so each customer is told once."""
    root = mail.site_root()
    return closures.email_pending(
        notice_pending(),
        "erasure_held",
        lambda closure: _notice_context(closure, root),
        done={"blocked_notice_sent_at": now},
        limit=limit,
    )
