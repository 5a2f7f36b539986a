"""Claims on the email state of rows that are emailed in bulk: claims, records, recovery.

Policy notices and breach notices keep, per customer, the state of an email (pending →
sending → sent or failed) in columns of their own model; ``Columns`` names them, so the one
way of claiming and recording here serves both.

A sending run claims a few pending rows at a time (state ``sending``, the run's token, the
time and, where kept with the claim, its Message-ID) in one committed statement, then sends
them in primary-key order, recording each one sent (or failed) before it sends the next. So at
any moment a run's ``sending`` rows are the one email in flight and, after it, claimed rows it
has not tried yet. A run killed outright (SIGKILL, a lost machine) leaves exactly that;
``recover`` (run by privacy_tick once the claims are older than ``NOTICE_TASKS_LOST_AFTER``)
keeps the first as unconfirmed (it may have gone out: it is never sent again) and puts the
others back to ``pending``.

On PostgreSQL the claims are committed durably but the per-email records are not waited for
(``synchronous_commit`` off for the run's session; the next claim's durable commit flushes
them anyway). Waiting for the disk once per email is what used to cost as much as sending the
email, and kept two workers from going twice as fast. Records a server crash or a fail-over
loses would make ``recover`` put emails that went out back in the queue, so each run also
writes a row into an *unlogged* table, which PostgreSQL empties after a crash and which a
promoted standby does not have: a lost run whose row is missing has every ``sending`` row
kept as unconfirmed, none sent again. Elsewhere (SQLite) every record is an ordinary commit.
"""

import uuid
from dataclasses import dataclass

from django.core.mail.utils import DNS_NAME
from django.db import DatabaseError, connections, router, transaction
from django.utils import timezone

from . import mail

#: The states the claims move an email through (the values of the models' ``EmailState``).
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"

#: Rows claimed at once by a run: one durable commit per this many emails. A crash of the
#: database server leaves up to this many per run unconfirmed (never sent twice).
CLAIM_AHEAD = 25

#: The unlogged table of live runs (PostgreSQL only; created by the initial migration). Runs
#: of every model share it, apart by their tokens.
RUNS_TABLE = "wagtail_privacy_notice_run"


@dataclass(frozen=True)
class Columns:
    """Where one kind of email of ``model`` keeps its state: the model's field names."""

    model: type
    state: str = "email_state"
    sent_at: str = "emailed_at"
    token: str = "claim_token"
    claimed_at: str = "email_claimed_at"
    failure: str = "failure_reason"
    message_id: str = "message_id"
    #: When the Message-ID is written to ``message_id``: "claim" (so an unconfirmed email has
    #: it too), "record" (with the email sent) or None (a fresh one per email, not kept).
    keep_message_id: str | None = None
    #: The start of the Message-IDs kept: ``<{prefix}.{pk}.{run token}@{host}>``.
    message_id_prefix: str = "privacy"
    #: A field that, once set, takes a row out of the claims (a retracted notice).
    unless_set: str | None = None


def _database(model):
    alias = router.db_for_write(model)
    return alias, connections[alias]


def _unlogged_runs(connection):
    """Whether runs are registered in the unlogged table (PostgreSQL)."""
    return connection.vendor == "postgresql"


class _Sql:
    """The statements of one kind of email, with the table's real column names."""

    def __init__(self, columns, connection):
        meta, ops = columns.model._meta, connection.ops

        def column(name):
            return ops.quote_name(meta.get_field(name).column)

        self.table, self.pk = ops.quote_name(meta.db_table), column(meta.pk.name)
        self.state, self.sent_at = column(columns.state), column(columns.sent_at)
        self.token, self.claimed_at = column(columns.token), column(columns.claimed_at)
        self.message_id = column(columns.message_id) if columns.keep_message_id else None
        self.failure = column(columns.failure)
        self.only = f" AND {column(columns.unless_set)} IS NULL" if columns.unless_set else ""

    def claim(self, count, with_id):
        marks = ", ".join(["%s"] * count)
        set_id = ""
        if with_id:
            cases = " ".join(["WHEN %s THEN %s"] * count)
            set_id = f", {self.message_id} = CASE {self.pk} {cases} END"
        return (
            f"UPDATE {self.table} SET {self.state} = %s, {self.token} = %s, "
            f"{self.claimed_at} = %s{set_id} "
            f"WHERE {self.pk} IN ({marks}) AND {self.state} = %s{self.only}"
        )

    def claimed(self, count):
        marks = ", ".join(["%s"] * count)
        return (
            f"SELECT {self.pk} FROM {self.table} "
            f"WHERE {self.pk} IN ({marks}) AND {self.token} = %s AND {self.state} = %s"
        )

    def mine(self, assignments):
        """An UPDATE of one of this run's claimed rows (``pk``, ``token``, still sending)."""
        return (
            f"UPDATE {self.table} SET {assignments} "
            f"WHERE {self.pk} = %s AND {self.token} = %s AND {self.state} = %s"
        )


class Claims:
    """The claims and records of one sending run (one token) on ``columns``, in plain SQL.

    Use ``claim`` for the next few rows, then ``record`` or ``fail`` each one in order,
    ``release`` what was claimed but not tried, and ``close`` at the end.
    """

    def __init__(self, columns):
        self.columns = columns
        self.token = uuid.uuid4()
        self.alias, self.connection = _database(columns.model)
        self.sql = _Sql(columns, self.connection)
        token_field = columns.model._meta.get_field(columns.token)
        self.token_value = token_field.get_db_prep_value(self.token, self.connection)
        self.unlogged = _unlogged_runs(self.connection)
        self.registered = False
        self.cursor = None

    def _execute(self, sql, params):
        if self.cursor is None:
            self.cursor = self.connection.cursor()
        self.cursor.execute(sql, params)
        return self.cursor.rowcount

    def _now(self):
        return self.connection.ops.adapt_datetimefield_value(timezone.now())

    def message_id(self, pk):
        if self.columns.keep_message_id:
            return f"<{self.columns.message_id_prefix}.{pk}.{self.token.hex}@{DNS_NAME}>"
        return mail.new_message_id()

    def claim(self, pks):
        """Claim those of ``pks`` still pending, in one durable commit; the claimed ones, in
        the order given."""
        if not pks:
            return []
        sql, now = self.sql, self._now()
        with_id = self.columns.keep_message_id == "claim"
        params = [SENDING, self.token_value, now]
        if with_id:
            for pk in pks:
                params += [pk, self.message_id(pk)]
        params += [*pks, PENDING]
        with transaction.atomic(using=self.alias):
            if self.unlogged:
                # This commit must reach the disk before anything is sent.
                self._execute("SET LOCAL synchronous_commit TO on", [])
                if not self.registered:
                    self._execute(
                        f"INSERT INTO {RUNS_TABLE} (token, started_at) VALUES (%s, %s)",
                        [self.token_value, now],
                    )
            self._execute(sql.claim(len(pks), with_id), params)
            self._execute(sql.claimed(len(pks)), [*pks, self.token_value, SENDING])
            claimed = {row[0] for row in self.cursor.fetchall()}
        if self.unlogged and not self.registered:
            self.registered = True
            # From now on this session's commits (the records) do not wait for the disk.
            self._execute("SET synchronous_commit TO off", [])
        return [pk for pk in pks if pk in claimed]

    def record(self, pk):
        sql = self.sql
        assignments = f"{sql.state} = %s, {sql.sent_at} = %s"
        params = [SENT, self._now()]
        if self.columns.keep_message_id == "record":
            assignments += f", {sql.message_id} = %s"
            params.append(self.message_id(pk))
        self._execute(sql.mine(assignments), [*params, pk, self.token_value, SENDING])

    def fail(self, pk, reason):
        sql = self.sql.mine(f"{self.sql.state} = %s, {self.sql.failure} = %s")
        self._execute(sql, [FAILED, reason[:500], pk, self.token_value, SENDING])

    def release(self, pks):
        """Put claimed rows that were not sent back to ``pending``."""
        sql = self.sql.mine(
            f"{self.sql.state} = %s, {self.sql.token} = NULL, {self.sql.claimed_at} = NULL"
        )
        for pk in pks:
            self._execute(sql, [PENDING, pk, self.token_value, SENDING])

    def close(self):
        """End the run: its registration removed and the session's setting restored."""
        if self.cursor is None:
            return
        try:
            if self.registered:
                self._execute(f"DELETE FROM {RUNS_TABLE} WHERE token = %s", [self.token_value])
                self._execute("RESET synchronous_commit", [])
        except DatabaseError:
            pass  # the connection is gone, and the setting with it
        finally:
            self.cursor.close()
            self.cursor = None


def recover(columns, rows, since):
    """Settle the claims on ``rows`` (a queryset of ``columns.model``) of runs that stopped
    before ``since`` (presumed dead).

    Per run, the first row still ``sending`` is the email it was sending when it stopped:
    kept as unconfirmed (its claim token cleared, so it no longer counts as work in
    progress). The others it had claimed but not tried go back to ``pending``. Where the
    run's registration is gone (the database server crashed or failed over since, so records
    may be lost) every one of them is kept as unconfirmed. Returns how many went back.
    """
    alias, connection = _database(columns.model)
    stale = rows.using(alias).filter(
        **{
            columns.state: SENDING,
            f"{columns.token}__isnull": False,
            f"{columns.claimed_at}__lt": since,
        }
    )
    released = 0
    for token in stale.values_list(columns.token, flat=True).distinct():
        mine = stale.filter(**{columns.token: token})
        pks = list(mine.order_by("pk").values_list("pk", flat=True))
        if _registered(connection, token):
            released += mine.filter(pk__in=pks[1:]).update(
                **{columns.state: PENDING, columns.token: None, columns.claimed_at: None}
            )
        mine.update(**{columns.token: None})
        _unregister(connection, token)
    return released


def _registered(connection, token):
    if not _unlogged_runs(connection):
        return True  # every record was committed like any other
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {RUNS_TABLE} WHERE token = %s", [token])
        return cursor.fetchone() is not None


def _unregister(connection, token):
    if _unlogged_runs(connection):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {RUNS_TABLE} WHERE token = %s", [token])


class Sending:
    """One run that claims, sends and records emails over one mail connection, a few claims
    at a time: ``rows`` are (pk, language, address), ``message(language)`` what a customer in
    that language gets (built before anything is claimed)."""

    def __init__(self, claims, message):
        self.claims, self.message = claims, message
        self.outbox = mail.Outbox()
        self.sent = self.failed = 0

    def send(self, rows):
        for start in range(0, len(rows), CLAIM_AHEAD):
            self._send_claimed(rows[start : start + CLAIM_AHEAD])

    def _send_claimed(self, rows):
        claims, outbox = self.claims, self.outbox
        for _pk, language, _address in rows:
            self.message(language)  # built before anything is claimed
        outbox.open()  # a server that is down fails here, before any claim
        claimed = set(claims.claim([pk for pk, _language, _address in rows]))
        todo = [row for row in rows if row[0] in claimed]
        done = 0
        try:
            for pk, language, address in todo:
                try:
                    if not address:
                        raise ValueError("no email address")
                    outbox.send(self.message(language), address, claims.message_id(pk))
                except Exception as error:
                    done += 1  # settled, whatever happens to the record
                    self.failed += 1
                    claims.fail(pk, f"{type(error).__name__}: {error}")
                    if mail.connection_lost(error):
                        raise  # the rest goes back to pending, for a later run
                else:
                    done += 1  # it went out: never back to pending, even if recording fails
                    self.sent += 1
                    claims.record(pk)
        finally:
            # What was claimed but not sent: an interrupt puts the email in hand back too.
            claims.release([pk for pk, _language, _address in todo[done:]])

    def close(self):
        try:
            self.outbox.close()
        finally:
            self.claims.close()
