"""Deactivation, deletion with a grace period, and erasure source by source.

Deactivation and deletion write nothing unless all of it can be done: the closure, the
request, the disabled account and the email to the customer (its reactivation link included)
are made in one transaction, and the email goes out once it has committed.

Erasure works on batches of accounts: every registered source in order erases the whole batch
in one transaction, committed together with its ``ErasureStep`` rows, so a crash resumes
where it stopped and no source runs twice. A sweep claims its batch first, so sweeps running
at once never share an account. The receipt (deleted / anonymised / held until when and why)
is emailed before the user row, and so the address, is erased, and kept with the request
without personal data.
"""

import json
import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import DatabaseError, IntegrityError, connections, router, transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .. import mail
from ..background import recorded
from ..conf import privacy_settings
from ..exceptions import NotFound, PrivacyError
from ..sources import registry
from . import ledger
from .models import (
    AccountClosure,
    ClosureKind,
    ClosureState,
    ErasureStep,
    RequestChannel,
    RequestKind,
    RequestStatus,
)

REACTIVATE_SALT = "wagtail_privacy.reactivate"
logger = logging.getLogger("wagtail_privacy.rights")


class DeletionBlocked(PrivacyError):
    code = "deletion_blocked"
    status = 409


def active_closure(user):
    return AccountClosure.objects.filter(user=user, state__in=ClosureState.active_values()).first()


def blockers(user):
    """Every reason the account cannot be deleted yet, from every source."""
    return blockers_of([user])[user.pk]


def blockers_of(users):
    """{user pk: every reason the account cannot be erased yet}, one call per source.

    Fails closed: a source that does not answer for an account raises, so the account is
    not erased.
    """
    found = {user.pk: [] for user in users}
    if not users:
        return found
    for source in registry.sources():
        answers = source.blockers_many(users)
        for user in users:
            if user.pk not in answers:
                raise ImproperlyConfigured(
                    f"{type(source).__name__}.blockers_many() must answer for every account."
                )
            found[user.pk] += [
                {"source": source.name, "code": b.code, "message": str(b.message)}
                for b in answers[user.pk]
            ]
    return found


def _prepare(user, template, context):
    """The email to one customer, built now, in their language: {user pk: message}.

    Dates in ``context`` read as the customer expects; callables are called in their
    language (a link under its language prefix, ``/sl/privacy/...``).
    """

    def localised(_user):
        values = {key: value() if callable(value) else value for key, value in context.items()}
        return {
            key: mail.local_date(value) if isinstance(value, datetime) else value
            for key, value in values.items()
        }

    return mail.customer_messages([user], template, localised)


@recorded(_lazy("Email customers about the closing of their account"))
def send_closure_email(messages):
    """Send the email of a deactivation or a scheduled deletion (built by ``_prepare``)."""
    for _sent in mail.send_each(messages):
        pass


def _send_on_commit(closure, messages):
    """Send once the closure has committed; a failure is recorded and logged, not raised.

    The account is closed by then and the caller is told so. The failure is listed among the
    background failures (type and place, not the message) until such an email goes out again;
    the log names the closure whose customer did not get it.
    """

    def send():
        try:
            send_closure_email(messages)
        except Exception as error:  # noqa: BLE001 - recorded by ``recorded``
            logger.error(
                "The email of account closure %s could not be sent (%s)",
                closure.pk,
                type(error).__name__,
            )

    transaction.on_commit(send)


def reactivation_token(closure):
    return signing.dumps({"c": closure.pk}, salt=REACTIVATE_SALT)


def reactivation_url(closure, root=None):
    """The link that cancels ``closure``; pass ``root`` (``mail.site_root()``) for many.

    It points to the plugin's page, so the site's URLconf must include ``wagtail_privacy.urls``.
    """
    try:
        path = reverse("wagtail_privacy:reactivate", kwargs={"token": reactivation_token(closure)})
    except NoReverseMatch as error:
        raise ImproperlyConfigured(PAGES_NOT_MOUNTED) from error
    return (mail.site_root() if root is None else root) + path


PAGES_NOT_MOUNTED = (
    "Emails link to the pages of wagtail-privacy (the reactivation page), which the site's "
    'URLconf does not include: add path("privacy/", include("wagtail_privacy.urls")).'
)


def _close(
    user,
    kind,
    days,
    request_kind,
    now,
    *,
    status,
    outcome,
    template,
    date_key,
    request=None,
    actor=None,
):
    """Deactivate ``user``, schedule the erasure and email the customer, or raise.

    All of it happens in one transaction, the email built (its link reversed, its text
    rendered) before the commit: whatever fails leaves nothing written. The email goes out
    once the transaction has committed. ``request``: the ledger's request staff run this for
    (else a self-service one is opened).
    """
    with transaction.atomic():
        if request is None:
            request = ledger.open_request(
                kind=request_kind, channel=RequestChannel.SELF_SERVICE, user=user, received_at=now
            )
        try:
            with transaction.atomic():
                closure = AccountClosure.objects.create(
                    user=user,
                    request=request,
                    kind=kind,
                    state=ClosureState.SCHEDULED,
                    created_at=now,
                    scheduled_for=now + timedelta(days=days),
                )
        except IntegrityError:
            raise PrivacyError(
                _("Your account is already being closed."), code="closure_pending", status=409
            ) from None
        get_user_model()._default_manager.filter(pk=user.pk).update(is_active=False)
        ledger.set_status(request, status, outcome=outcome, actor=actor)
        context = {
            date_key: closure.scheduled_for,
            "reactivate_url": lambda: reactivation_url(closure),
        }
        _send_on_commit(closure, _prepare(user, template, context))
    return closure


def deactivate(user, now=None, *, proof=None, request=None, actor=None):
    """Disable the account at once; erase it after ``DEACTIVATED_RETENTION_DAYS``.

    Needs a fresh step-up: ``proof`` is ``verification.service.step_up_proof(request)``, or
    ``without_step_up(reason)`` for staff, periodic work and tests; else ``StepUpRequired``.
    Staff running a recorded request pass it (``request``) and themselves (``actor``).
    ``account_deactivated`` is sent inside the transaction: a receiver that fails undoes it.
    """
    from ..signals import account_deactivated
    from ..verification.service import check_step_up

    check_step_up(user, proof)

    with transaction.atomic():
        closure = _close(
            user,
            ClosureKind.DEACTIVATION,
            privacy_settings.DEACTIVATED_RETENTION_DAYS,
            RequestKind.DEACTIVATION,
            now or timezone.now(),
            status=RequestStatus.COMPLETED,
            outcome=_("Account deactivated."),
            template="deactivated",
            date_key="until",
            request=request,
            actor=actor,
        )
        account_deactivated.send(sender=AccountClosure, closure=closure)
    return closure


def request_deletion(user, now=None, *, proof=None, request=None, actor=None):
    """Check blockers, then deactivate and schedule erasure after ``DELETION_GRACE_DAYS``.

    Needs a fresh step-up first, as ``deactivate`` (``proof``); else ``StepUpRequired``.
    ``request`` and ``actor`` as for ``deactivate``.
    """
    from ..verification.service import check_step_up

    check_step_up(user, proof)
    found = blockers(user)
    if found:
        raise DeletionBlocked(_("Your account cannot be deleted yet."), params={"blockers": found})
    return _close(
        user,
        ClosureKind.DELETION,
        privacy_settings.DELETION_GRACE_DAYS,
        RequestKind.ERASURE,
        now or timezone.now(),
        status=RequestStatus.IN_PROGRESS,
        outcome=None,
        template="deletion_scheduled",
        date_key="date",
        request=request,
        actor=actor,
    )


def cancel(closure, now=None):
    """Stop a scheduled erasure and make the account usable again."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = AccountClosure.objects.filter(
            pk=closure.pk, state__in=ClosureState.cancellable_values()
        ).update(state=ClosureState.CANCELLED, cancelled_at=now)
        if not updated:
            raise PrivacyError(
                _("This account can no longer be reactivated."),
                code="closure_not_cancellable",
                status=409,
            )
        if closure.user_id:
            get_user_model()._default_manager.filter(pk=closure.user_id).update(is_active=True)
        if closure.request and closure.request.is_open:
            ledger.set_status(
                closure.request, RequestStatus.CANCELLED, note=_("Cancelled by the customer.")
            )
    return closure


def reactivation_closure(token):
    """The closure a reactivation link names, or what the link is refused with.

    Changes nothing; a closure already cancelled by this link is returned (the link is
    harmless), one cancelled by an earlier request is refused as superseded.
    """
    max_age = timedelta(
        days=max(privacy_settings.DEACTIVATED_RETENTION_DAYS, privacy_settings.DELETION_GRACE_DAYS)
        + 1
    )
    try:
        data = signing.loads(token, salt=REACTIVATE_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise PrivacyError(_("This link has expired."), code="link_expired", status=410) from None
    except signing.BadSignature:
        raise PrivacyError(_("This link is not valid."), code="invalid_token", status=400) from None
    closure = None
    if isinstance(data, dict):
        try:
            closure = (
                AccountClosure.objects.select_related("request").filter(pk=data.get("c")).first()
            )
        except (TypeError, ValueError, ValidationError):  # signed, but naming no closure
            pass
    if closure is None:
        raise NotFound(_("This link is not valid."), code="invalid_token")
    if closure.state == ClosureState.CANCELLED:
        newer = AccountClosure.objects.filter(
            user_id=closure.user_id, pk__gt=closure.pk, state__in=ClosureState.active_values()
        )
        if closure.user_id and newer.exists():
            # Bound to its own closure: it must not seem to cancel a later one.
            raise PrivacyError(
                _(
                    "This link belongs to an earlier request and no longer works: "
                    "use the link in the latest email."
                ),
                code="link_superseded",
                status=410,
            )
    return closure


def reactivate(token):
    """Cancel the closure a reactivation link names (deactivation or pending deletion)."""
    closure = reactivation_closure(token)
    if closure.state == ClosureState.CANCELLED:
        return closure  # already reactivated: the link is harmless
    return cancel(closure)


def due_erasures(now):
    return AccountClosure.objects.filter(
        state__in=[ClosureState.SCHEDULED, ClosureState.ERASING], scheduled_for__lte=now
    )


def records_to_erase(closures):
    """{"records_<source>": count} for the accounts of ``closures``, per source that counts."""
    users = get_user_model()._default_manager.filter(pk__in=closures.values("user_id"))
    counts = {}
    for source in registry.sources():
        count = source.count_for(users)
        if count:
            counts[f"records_{source.name}"] = count
    return counts


def _free():
    """Closures no live sweep holds: never claimed, released, or claimed too long ago."""
    stale = timezone.now() - timedelta(seconds=privacy_settings.ERASURE_CLAIM_TIMEOUT)
    return Q(claim__isnull=True) | Q(claimed_at__lt=stale)


def _unclaimed():
    """Closures an erasure sweep may take: scheduled, or being erased by no live sweep."""
    return Q(state=ClosureState.SCHEDULED) | Q(_free(), state=ClosureState.ERASING)


def _take(closures, **fields):
    """Claim ``closures`` for this sweep: (token, {pk taken: its ``email_in_flight``}).

    The update re-checks the caller's filter on each row, so of two sweeps racing for the
    same closures each closure goes to one of them. Claims of a stopped sweep are taken over
    once its emails are settled (``_settle_lost_runs``).
    """
    stopped = _settle_lost_runs(closures)
    token = uuid.uuid4()
    closures.update(claim=token, claimed_at=timezone.now(), **fields)
    taken = AccountClosure.objects.filter(claim=token).values_list("pk", "email_in_flight")
    _forget_runs(stopped)
    return token, dict(taken)


def _claim(candidates, now, limit):
    """Take up to ``limit`` due closures for this sweep: (token, ids taken)."""
    due = candidates.filter(_unclaimed(), scheduled_for__lte=now)
    ids = list(due.order_by("scheduled_for", "pk").values_list("pk", flat=True)[:limit])
    if not ids:
        return None, set()
    token, taken = _take(due.filter(pk__in=ids), state=ClosureState.ERASING)
    return token, set(taken)


def erase(closure_id, now=None):
    """Erase the account of one due closure; resumable and idempotent. None if not due.

    The closure returned is ``blocked`` instead if something holds its erasure.
    """
    now = now or timezone.now()
    token, taken = _claim(AccountClosure.objects.filter(pk=closure_id), now, 1)
    if not taken:
        return None
    _erase_claimed(token)
    return AccountClosure.objects.get(pk=closure_id)


def _erase_one(closure_id, now):
    """1 if the account of ``closure_id`` was erased now, else 0 (not due, or on hold)."""
    token, taken = _claim(AccountClosure.objects.filter(pk=closure_id), now, 1)
    return _erase_claimed(token) if taken else 0


def erase_due(now, limit=None):
    """Erase due accounts in batches of ``RETENTION_BATCH_SIZE``; returns how many.

    Sweeps may overlap: each erases only the batches it claimed. When a batch fails, its
    accounts are erased one by one, so one account a source cannot erase holds up no other;
    the first error is raised once the rest is done, and the next sweep retries.
    """
    erased, failed, errors = 0, [], []
    size = privacy_settings.RETENTION_BATCH_SIZE
    while limit is None or erased < limit:
        batch = size if limit is None else min(size, limit - erased)
        token, ids = _claim(AccountClosure.objects.exclude(pk__in=failed), now, batch)
        if token is None:
            break
        if not ids:
            continue  # another sweep took them first
        try:
            erased += _erase_claimed(token)
        except Exception as error:
            if len(ids) == 1:
                failed += ids
                errors.append(error)
                continue
            for pk in ids:  # find the account that fails; erase the others
                try:
                    erased += _erase_one(pk, now)
                except Exception as single:
                    failed.append(pk)
                    errors.append(single)
    if errors:
        raise errors[0]
    return erased


def _erase_claimed(token):
    """Erase the accounts of the closures claimed with ``token``; returns how many.

    On an error the claim is released, so the next sweep resumes at once where this one
    stopped; a sweep that died without releasing it is taken over after
    ``ERASURE_CLAIM_TIMEOUT``.
    """
    mine = AccountClosure.objects.filter(claim=token)
    try:
        closures = list(mine.select_related("user"))
        done = set(
            ErasureStep.objects.filter(closure__in=closures).values_list("closure_id", "source")
        )
        closures = _hold_blocked(token, closures, {pk for pk, _source in done})
        if not closures:
            return 0
        erased = {}  # {closure pk: {source: result}} of the steps this sweep does
        for source in registry.sources():
            pending = [c for c in closures if c.user_id and (c.pk, source.name) not in done]
            if pending:
                closures = _erase_source(source, token, closures, pending, erased)
        _send_receipts(token, closures, erased, resumed={pk for pk, _source in done})
        erased_at = timezone.now()
        with transaction.atomic():
            closures = _renew(token, closures)
            _erase_users([c.user_id for c in closures if c.user_id])
            _record_erased(token, closures, erased_at)
            ledger.set_status_many(
                [c.request_id for c in closures if c.request_id],
                RequestStatus.COMPLETED,
                outcome=_("Account erased; receipt sent."),
            )
    except BaseException:
        mine.update(claim=None, claimed_at=None)
        raise
    from ..signals import account_erased

    for closure in closures:
        closure.state, closure.erased_at = ClosureState.ERASED, erased_at
        account_erased.send(sender=AccountClosure, closure=closure)
    return len(closures)


def _hold_blocked(token, closures, begun):
    """Put on hold the claimed closures whose account something still blocks; returns the
    others, to erase.

    Checked here, after the claim and before any source erases, so a blocker that appeared
    since the erasure was scheduled (an order left unpaid) holds it. An erasure already
    begun (``begun``: closures with steps done) was checked when it began and is finished.
    The account is left as it is: deactivated, or (an inactive customer's) usable.
    """
    fresh = [c for c in closures if c.user_id and c.pk not in begun]
    found = blockers_of([c.user for c in fresh])
    blocked = [c for c in fresh if found[c.user_id]]
    if not blocked:
        return closures
    now = timezone.now()
    with transaction.atomic():
        held = _renew(token, blocked)
        for closure in held:
            closure.state, closure.blockers, closure.blocked_at = (
                ClosureState.BLOCKED,
                found[closure.user_id],
                now,
            )
            closure.claim = closure.claimed_at = None
        AccountClosure.objects.bulk_update(
            held, ["state", "blockers", "blocked_at", "claim", "claimed_at"]
        )
    logger.info("%d erasure(s) put on hold: something still blocks them", len(held))
    blocked = {c.pk for c in blocked}
    return [c for c in closures if c.pk not in blocked]


def _renew(token, closures):
    """Hold the claim, inside the caller's transaction; returns the closures still ours.

    The rows are locked: a sweep taking over a stale claim waits for the transaction, then
    finds the claim fresh and leaves it. A claim older than a quarter of
    ``ERASURE_CLAIM_TIMEOUT`` is renewed (the update locks the rows); a younger one is only
    locked (``SELECT ... FOR UPDATE``, which writes no new row versions): it stays fresh for
    three quarters of the timeout more.
    """
    now = timezone.now()
    mine = AccountClosure.objects.filter(claim=token)
    young = now - timedelta(seconds=privacy_settings.ERASURE_CLAIM_TIMEOUT / 4)
    if all(c.claimed_at and c.claimed_at > young for c in closures):
        kept = set(mine.select_for_update().values_list("pk", flat=True))
    else:
        renewed = mine.update(claimed_at=now)
        for closure in closures:
            closure.claimed_at = now
        if renewed == len(closures):
            return closures
        kept = set(mine.values_list("pk", flat=True))
    if len(kept) == len(closures):
        return closures
    return [c for c in closures if c.pk in kept]


def _erase_source(source, token, closures, pending, erased):
    """Erase the ``pending`` accounts from one source; returns the closures still ours.

    The results, once committed, are added to ``erased`` ({closure pk: {source: result}}).
    """
    with transaction.atomic():
        closures = _renew(token, closures)
        kept = {c.pk for c in closures}
        pending = [c for c in pending if c.pk in kept]
        with translation.override(None):  # receipts are stored in the source language
            results = source.erase_many([c.user for c in pending])
            steps = _step_results(source, [(c.pk, results[c.user_id]) for c in pending])
            _insert_steps(source.name, steps, timezone.now())
    for pk, result in steps.items():
        erased.setdefault(pk, {})[source.name] = result
    return closures


def _insert_steps(source, steps, done_at):
    """The ``ErasureStep`` rows of one source ({closure pk: result}), in one statement.

    On PostgreSQL the rows go as arrays (``unnest``): the closures, and for each the number of
    its result among the distinct ones, which go once (most accounts have the same result).
    A batch of 500 accounts and a dozen sources is 6,000 rows.
    """
    connection = connections[router.db_for_write(ErasureStep)]
    if connection.vendor != "postgresql":
        ErasureStep.objects.bulk_create(
            ErasureStep(closure_id=pk, source=source, done_at=done_at, result=result)
            for pk, result in steps.items()
        )
        return
    meta, quote = ErasureStep._meta, connection.ops.quote_name
    columns = ", ".join(
        quote(meta.get_field(name).column) for name in ("closure", "source", "done_at", "result")
    )
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "
        "SELECT x.closure, %s, %s, (%s::jsonb[])[x.result] "
        f"FROM unnest(%s::{meta.get_field('closure').db_type(connection)}[], %s::int[]) "
        "AS x(closure, result)"
    )
    texts, numbers = {}, []  # {JSON of a distinct result: its number, from 1}
    shared = {}  # id of a result (``_step_results`` shares equal ones): its number
    for result in steps.values():
        number = shared.get(id(result))
        if number is None:
            number = texts.setdefault(json.dumps(result), len(texts) + 1)
            shared[id(result)] = number
        numbers.append(number)
    done_at = connection.ops.adapt_datetimefield_value(done_at)
    with connection.cursor() as cursor:
        cursor.execute(sql, [source, done_at, list(texts), list(steps), numbers])


def _record_erased(token, closures, erased_at):
    """Mark ``closures`` erased and keep each one's receipt, inside the caller's transaction.

    On PostgreSQL in one statement, which gathers each receipt from the closure's steps (the
    receipts are those steps: ``_send_receipts``); elsewhere in two.
    """
    mine = AccountClosure.objects.filter(claim=token, pk__in=[c.pk for c in closures])
    connection = connections[router.db_for_write(AccountClosure)]
    # The recipients told (``_send_receipts``): a statement only when there are some.
    told = [c for c in closures if c.recipients_told]
    if told and connection.vendor == "postgresql":
        AccountClosure.objects.bulk_update(told, ["recipients_told"])
    if connection.vendor != "postgresql":
        AccountClosure.objects.bulk_update(closures, ["receipt", "recipients_told"])
        mine.update(state=ClosureState.ERASED, erased_at=erased_at, claim=None)
        return
    meta, quote = AccountClosure._meta, connection.ops.quote_name
    steps = ErasureStep._meta

    def column(name, model=meta):
        return quote(model.get_field(name).column)

    pk = column(meta.pk.name)
    receipt = (
        f"SELECT jsonb_object_agg(step.{column('source', steps)}, step.{column('result', steps)}) "
        f"FROM {quote(steps.db_table)} AS step WHERE step.{column('closure', steps)} = closure.{pk}"
    )
    sql = (
        f"UPDATE {quote(meta.db_table)} AS closure "
        f"SET {column('receipt')} = COALESCE(({receipt}), '{{}}'::jsonb), "
        f"{column('state')} = %s, {column('erased_at')} = %s, {column('claim')} = NULL "
        f"WHERE closure.{pk} = ANY(%s::{meta.pk.db_type(connection)}[]) "
        f"AND closure.{column('claim')} = %s"
    )
    params = [
        ClosureState.ERASED.value,
        connection.ops.adapt_datetimefield_value(erased_at),
        [c.pk for c in closures],
        token,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _step_results(source, results):
    """{closure pk: result of its step} of one source, from [(closure pk, ErasureResult)].

    Equal results are one dict (read only): most accounts of a batch have the same.
    """
    label, shared, steps = str(source.label), {}, {}
    for pk, result in results:
        held = tuple(
            (str(h.reason), h.count, h.until.isoformat() if h.until else None) for h in result.held
        )
        key = (result.deleted, result.anonymised, held)
        step = shared.get(key)
        if step is None:
            step = shared[key] = {
                "label": label,
                "deleted": result.deleted,
                "anonymised": result.anonymised,
                "held": [
                    {"reason": reason, "count": count, "until": until}
                    for reason, count, until in held
                ],
            }
        steps[pk] = step
    return steps


def _send_receipts(token, closures, erased, resumed):
    """Email each receipt before the address is erased (``_record_erased`` keeps them).

    A receipt is the steps' results: those this sweep erased (``erased``), or, for the
    accounts whose erasure an earlier sweep began (``resumed``), all their recorded steps.
    Customers of one language whose receipts read alike get one email built once
    (``_receipt_shape``), only the address filled in.
    """
    receipts = {}
    if resumed:
        steps = ErasureStep.objects.filter(closure__in=resumed).order_by("pk")
        for closure_id, source, result in steps.values_list("closure_id", "source", "result"):
            receipts.setdefault(closure_id, {})[source] = result
    for closure in closures:
        closure.receipt = (receipts if closure.pk in resumed else erased).get(closure.pk, {})
    told = _told(closures)
    for closure in closures:
        closure.recipients_told = told.get(closure.pk, [])
    days = _dates_read_as_days()
    # The batch is this sweep's already: no claim needed; its token names the run.
    email_customers(
        [c for c in closures if c.receipt_sent_at is None],
        "erasure_receipt",
        lambda closure: {"receipt": _readable(closure), "recipients": told.get(closure.pk, [])},
        key_of=lambda closure: (
            _receipt_shape(closure.receipt, days),
            tuple(told.get(closure.pk, ())),
        ),
        done={"receipt_sent_at": timezone.now()},
        run=token,
    )


def _told(closures):
    """{closure pk: [names]}: the recipients told of each erasure (``account_erasing``).

    Asked robustly: a receiver that fails is logged and never holds up the erasure.
    """
    from ..signals import account_erasing

    told = {}
    for receiver, answer in account_erasing.send_robust(sender=AccountClosure, closures=closures):
        if isinstance(answer, Exception):
            logger.error("account_erasing receiver %r failed: %s", receiver, type(answer).__name__)
            continue
        for pk, names in (answer or {}).items():
            told.setdefault(pk, []).extend(names)
    return told


def email_customers(
    closures, template, context_of, *, done, unless_done=None, key_of=None, run=None
):
    """Email the customer of each closure over one connection; returns how many were sent.

    Each email is marked in flight (``email_in_flight``) before it goes and recorded ``done``
    after, in one statement per email (the one that records an email marks the next:
    ``_EmailRecords``), and the closures without an address are recorded done at the end. A
    run killed outright (SIGKILL) thus leaves at most one closure marked: the next run that
    holds it counts that email as given (it may have gone out) and never sends it again.
    With ``unless_done`` (a ``Q`` of the closures not done yet), each closure is claimed
    first, so overlapping sweeps do not email the same customer twice; the claim is released
    at the end, also when the emails could not even be built. ``run`` is the claim the
    closures are held by otherwise (an erasure's batch). ``key_of(closure)``: see
    ``mail.customer_messages``.
    """
    token = None
    if unless_done is not None:
        token, mine = _take(
            AccountClosure.objects.filter(unless_done, _free(), pk__in=[c.pk for c in closures])
        )
        closures = [c for c in closures if c.pk in mine]
        for closure in closures:
            closure.email_in_flight = mine[closure.pk]
    closures = _settle_in_flight(closures, template, done)
    by_user = {c.user_id: c for c in closures if c.user_id}
    messages, sent = None, set()
    records = _EmailRecords(template, done, token or run or uuid.uuid4())
    try:
        messages = mail.customer_messages(
            [c.user for c in by_user.values()],
            template,
            lambda user: context_of(by_user[user.pk]),
            key_of=None if key_of is None else lambda user: key_of(by_user[user.pk]),
        )
        with mail.Outbox() as outbox:
            for user_pk, message in messages.items():
                records.mark(by_user[user_pk].pk)
                outbox.send_message(message)
                records.went = True
                sent.add(user_pk)
    finally:
        records.close()
        if messages is not None:
            unsent = [c.pk for c in closures if c.user_id not in messages]
            AccountClosure.objects.filter(pk__in=unsent).update(**done)
        if token is not None:
            AccountClosure.objects.filter(claim=token).update(claim=None, claimed_at=None)
    return len(sent)


#: The unlogged table of live sending runs, PostgreSQL only: created by the plugin's
#: migrations for the notices (``notices.claims.RUNS_TABLE``, which keeps its rows apart by
#: their tokens). A crash of the server empties it, and a promoted standby has it empty.
RUNS_TABLE = "wagtail_privacy_notice_run"

#: The field that records each sweep email sent, by template: where a crash of the database
#: server lost a run's records, its emails not recorded count as given (``_settle_lost_runs``).
SENT_FIELDS = {
    "erasure_held": "blocked_notice_sent_at",
    "erasure_receipt": "receipt_sent_at",
    "erasure_warning": "warned_at",
    "inactive_warning": "warned_at",
}


def _unlogged_runs(connection):
    return connection.vendor == "postgresql"


class _EmailRecords:
    """The records of one run's emails: each marked in flight before it goes and recorded
    ``done`` by the statement that marks the next, in plain SQL (one statement per email).

    On PostgreSQL the records do not wait for the disk, as the notices' (``notices.claims``):
    ``synchronous_commit`` is off for the session while the run sends. The first mark is
    committed durably, together with the run's row in the unlogged ``RUNS_TABLE``; any later
    durable commit (the claim's release, the erasure) flushes the records. A crash of the
    server may lose the last records, and the crash empties the table too: whoever takes the
    claims over counts the run's emails that are not recorded as given (``_settle_lost_runs``),
    never sending one twice. A run killed while the server stays up loses no record: only
    its email in flight is in doubt, as elsewhere (SQLite), where each record is an ordinary
    commit.
    """

    def __init__(self, template, done, run):
        self.alias = router.db_for_write(AccountClosure)
        self.connection = connections[self.alias]
        self.template, self.run = template, run
        self.marked, self.went = None, False  # the closure whose email is in flight; gone yet?
        self.registered = self.unwaited = False
        self.cursor = None
        meta, quote = AccountClosure._meta, self.connection.ops.quote_name

        def column(name):
            return quote(meta.get_field(name).column)

        table, pk, flight = quote(meta.db_table), column(meta.pk.name), column("email_in_flight")
        self.values = [
            meta.get_field(name).get_db_prep_save(value, self.connection)
            for name, value in done.items()
        ]
        fields = [column(name) for name in done]
        recorded = "".join(f", {name} = %s" for name in fields)
        moved = "".join(
            f", {name} = CASE WHEN {pk} = %s THEN %s ELSE {name} END" for name in fields
        )
        self.first_sql = f"UPDATE {table} SET {flight} = %s WHERE {pk} = %s"
        self.next_sql = (
            f"UPDATE {table} SET {flight} = CASE WHEN {pk} = %s THEN %s ELSE '' END{moved} "
            f"WHERE {pk} IN (%s, %s)"
        )
        self.last_sql = f"UPDATE {table} SET {flight} = ''{recorded} WHERE {pk} = %s"
        self.unmark_sql = f"UPDATE {table} SET {flight} = '' WHERE {pk} = %s"

    def _execute(self, sql, params):
        if self.cursor is None:
            self.cursor = self.connection.cursor()
        self.cursor.execute(sql, params)

    def mark(self, closure_id):
        """Record the email marked before (it went) and mark ``closure_id``'s in flight."""
        if self.marked is None:
            self._start(closure_id)
        else:
            params = [closure_id, self.template]
            for value in self.values:
                params += [self.marked, value]
            self._execute(self.next_sql, [*params, self.marked, closure_id])
        self.marked, self.went = closure_id, False

    def _start(self, closure_id):
        if not _unlogged_runs(self.connection):
            self._execute(self.first_sql, [self.template, closure_id])
            return
        with transaction.atomic(using=self.alias):
            # This commit reaches the disk before anything is sent.
            self._execute("SET LOCAL synchronous_commit TO on", [])
            _register_run(self.connection, self.run)
            self._execute(self.first_sql, [self.template, closure_id])
        self.registered = self.unwaited = True
        # From now on the records of this session do not wait for the disk.
        self._execute("SET synchronous_commit TO off", [])

    def close(self):
        """Record the last email (or unmark it if it did not go), then end the run: its row
        is removed once nothing is in flight, and the session waits for the disk again."""
        try:
            if self.marked is not None:
                if self.went:
                    self._execute(self.last_sql, [*self.values, self.marked])
                else:  # it failed before it went: not in flight any more
                    self._execute(self.unmark_sql, [self.marked])
                self.marked = None
            if self.registered:
                self._execute(f"DELETE FROM {RUNS_TABLE} WHERE token = %s", [self.run])
                self.registered = False
        finally:
            try:
                if self.unwaited:
                    self.unwaited = False
                    self._execute("RESET synchronous_commit", [])
            except DatabaseError:
                pass  # the connection is gone, and the setting with it
            finally:
                if self.cursor is not None:
                    self.cursor.close()
                    self.cursor = None


def _register_run(connection, token):
    """Register a run sending emails in ``RUNS_TABLE`` (PostgreSQL; else nothing to do)."""
    if not _unlogged_runs(connection):
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RUNS_TABLE} (token, started_at) VALUES (%s, %s) "
            "ON CONFLICT (token) DO NOTHING",
            [token, timezone.now()],
        )


def _run_registered(connection, token):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {RUNS_TABLE} WHERE token = %s", [token])
        return cursor.fetchone() is not None


def _settle_lost_runs(closures):
    """Before claims on ``closures`` are taken over: the emails of stopped runs whose records
    the database server lost (a run with an email in flight but no row in ``RUNS_TABLE``) all
    count as given, as if in flight, so none goes twice. Returns the claims taken over.

    Only where records do not wait for the disk (PostgreSQL). A run that is still registered
    lost no record: only its one email in flight is settled, by ``_settle_in_flight``.
    """
    connection = connections[router.db_for_write(AccountClosure)]
    if not _unlogged_runs(connection):
        return set()
    stopped = set(closures.exclude(claim=None).values_list("claim", flat=True).distinct())
    for token in stopped:
        if _run_registered(connection, token):
            continue
        run = AccountClosure.objects.filter(claim=token)
        for template in set(
            run.exclude(email_in_flight="").values_list("email_in_flight", flat=True)
        ):
            sent = SENT_FIELDS.get(template)
            if sent is None:
                continue
            count = run.filter(email_in_flight="", **{f"{sent}__isnull": True}).update(
                email_in_flight=template
            )
            if count:
                logger.warning(
                    "The database server lost the records of a stopped run: %d more %s "
                    "email(s) it did not record count as sent (some may have gone out), "
                    "not resent.",
                    count,
                    template,
                )
    return stopped


def _forget_runs(tokens):
    """Remove the rows of runs whose claims were all taken over."""
    if not tokens:
        return
    connection = connections[router.db_for_write(AccountClosure)]
    held = set(AccountClosure.objects.filter(claim__in=tokens).values_list("claim", flat=True))
    with connection.cursor() as cursor:
        for token in tokens - held:
            cursor.execute(f"DELETE FROM {RUNS_TABLE} WHERE token = %s", [token])


def _settle_in_flight(closures, template, done):
    """Count as given the emails a killed run left in flight (held now by this run): they are
    recorded ``done`` and not sent again. Returns the closures still to email."""
    stuck = [c.pk for c in closures if c.email_in_flight == template]
    if stuck:
        AccountClosure.objects.filter(pk__in=stuck).update(email_in_flight="", **done)
        logger.warning(
            "%d %s email(s) left in flight by a stopped run counted as sent, not resent.",
            len(stuck),
            template,
        )
    return [c for c in closures if c.pk not in stuck]


def email_pending(pending, template, context_of, *, done, limit):
    """Email the customers of up to ``limit`` closures matching ``pending``; returns how many
    were sent.

    ``pending`` (a ``Q``) holds the closures whose email is still to go; writing ``done``
    takes a closure out of it. Each batch of ``RETENTION_BATCH_SIZE`` is claimed before it
    is emailed (``email_customers``), so sweeps running at once share the closures and each
    customer gets the email once; the claim of a sweep that died is taken over after
    ``ERASURE_CLAIM_TIMEOUT``.
    """
    sent = seen = 0
    size = privacy_settings.RETENTION_BATCH_SIZE
    free = AccountClosure.objects.filter(pending, _free()).select_related("user").order_by("pk")
    while seen < limit:
        batch = list(free[: min(size, limit - seen)])
        if not batch:
            break
        seen += len(batch)
        sent += email_customers(batch, template, context_of, done=done, unless_done=pending)
    return sent


def _receipt_shape(receipt, days):
    """What the email of ``receipt`` says, as a key: receipts of one shape read the same in
    any language. With ``days``, a hold's end counts by its day, as the email writes it."""
    return tuple(
        (
            source,
            line["label"],
            line["deleted"],
            line["anonymised"],
            tuple(
                (hold["reason"], hold["count"], _day(hold["until"]) if days else hold["until"])
                for hold in line["held"]
            ),
        )
        for source, line in receipt.items()
    )


def _day(until):
    if not until:
        return None
    moment = datetime.fromisoformat(until)
    return (timezone.localtime(moment) if timezone.is_aware(moment) else moment).date()


def _dates_read_as_days():
    """Whether every language of the site writes a date (``mail.local_date``) the same from
    the start to the end of a day, as dates are: then two holds ending the same day read the
    same. A site's own formats (``FORMAT_MODULE_PATH``) could show the time too."""
    start = timezone.make_aware(datetime(2001, 1, 3))
    end = start + timedelta(days=1, microseconds=-1)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            if mail.local_date(start) != mail.local_date(end):
                return False
    return True


def _readable(closure):
    return [
        {
            **line,
            "held": [
                {**hold, "until": mail.local_date(hold["until"]) if hold["until"] else ""}
                for hold in line["held"]
            ],
        }
        for line in closure.receipt_lines()
    ]


def _erase_users(user_ids):
    # Sessions need no sweep: Django refuses sessions of inactive or deleted users.
    User = get_user_model()
    users = User._default_manager.filter(pk__in=user_ids)
    if privacy_settings.ERASE_USER != "anonymise":
        users.delete()
        return
    fields = {
        User.USERNAME_FIELD: Concat(Value("erased-"), Cast("pk", CharField())),
        User.get_email_field_name(): "",
        "password": make_password(None),
    }
    for name in ("first_name", "last_name"):
        if any(f.name == name for f in User._meta.get_fields()):
            fields[name] = ""
    users.update(is_active=False, **fields)
