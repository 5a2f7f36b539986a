"""The email state of notices while they are sent: claims, records, recovery of lost runs.

A sending run claims a few pending notices at a time (state ``sending``, the run's token, the
time and, for the change email, its Message-ID) in one committed statement, then sends them in
primary-key order, recording each one sent (or failed) before it sends the next. So at any
moment a run's ``sending`` notices are the one email in flight and, after it, claimed notices
it has not tried yet. A run killed outright (SIGKILL, a lost machine) leaves exactly that;
``recover`` (run by privacy_tick once the claims are older than ``NOTICE_TASKS_LOST_AFTER``)
keeps the first as unconfirmed (it may have gone out: it is never sent again) and puts the
others back to ``pending``.

On PostgreSQL the claims are committed durably but the per-email records are not waited for
(``synchronous_commit`` off for the run's session; the next claim's durable commit flushes
them anyway). Waiting for the disk once per email is what used to cost as much as sending the
email, and kept two workers from going twice as fast. Records a server crash or a fail-over
loses would make ``recover`` put emails that went out back in the queue, so each run also
writes a row into an *unlogged* table, which PostgreSQL empties after a crash and which a
promoted standby does not have: a lost run whose row is missing has every ``sending`` notice
kept as unconfirmed, none sent again. Elsewhere (SQLite) every record is an ordinary commit.
"""

import uuid

from django.core.mail.utils import DNS_NAME
from django.db import DatabaseError, connections, router, transaction
from django.utils import timezone

from .. import mail
from . import emails
from .models import ChangeNotice, EmailState

#: Notices claimed at once by a run: one durable commit per this many emails. A crash of the
#: database server leaves up to this many per run unconfirmed (never sent twice).
CLAIM_AHEAD = 25

#: The unlogged table of live runs (PostgreSQL only; created by the initial migration).
RUNS_TABLE = "wagtail_privacy_notice_run"

STATE_FIELDS = {
    emails.CHANGE: ("email_state", "emailed_at"),
    emails.EFFECTIVE: ("effective_email_state", "effective_emailed_at"),
    emails.WITHDRAWN: ("withdrawal_email_state", "withdrawal_emailed_at"),
    emails.REMINDER: ("reminder_email_state", "reminder_emailed_at"),
}


def _database():
    alias = router.db_for_write(ChangeNotice)
    return alias, connections[alias]


def _unlogged_runs(connection):
    """Whether runs are registered in the unlogged table (PostgreSQL)."""
    return connection.vendor == "postgresql"


class _Sql:
    """The statements of one email kind, with the table's real column names."""

    def __init__(self, kind, connection):
        meta, ops = ChangeNotice._meta, connection.ops
        state_field, sent_field = STATE_FIELDS[kind]

        def column(name):
            return ops.quote_name(meta.get_field(name).column)

        self.table, self.pk = ops.quote_name(meta.db_table), column(meta.pk.name)
        self.state, self.sent_at = column(state_field), column(sent_field)
        self.token, self.claimed_at = column("claim_token"), column("email_claimed_at")
        self.message_id, self.retracted = column("message_id"), column("retracted_at")
        self.failure = column("failure_reason")
        # A retracted notice gets no email, but the one saying its version was withdrawn.
        self.unretracted = "" if kind == emails.WITHDRAWN else f" AND {self.retracted} IS NULL"

    def claim(self, count, with_id):
        marks = ", ".join(["%s"] * count)
        set_id = ""
        if with_id:
            cases = " ".join(["WHEN %s THEN %s"] * count)
            set_id = f", {self.message_id} = CASE {self.pk} {cases} END"
        return (
            f"UPDATE {self.table} SET {self.state} = %s, {self.token} = %s, "
            f"{self.claimed_at} = %s{set_id} "
            f"WHERE {self.pk} IN ({marks}) AND {self.state} = %s{self.unretracted}"
        )

    def claimed(self, count):
        marks = ", ".join(["%s"] * count)
        return (
            f"SELECT {self.pk} FROM {self.table} "
            f"WHERE {self.pk} IN ({marks}) AND {self.token} = %s AND {self.state} = %s"
        )

    def mine(self, assignments):
        """An UPDATE of one of this run's claimed notices (``pk``, ``token``, still sending)."""
        return (
            f"UPDATE {self.table} SET {assignments} "
            f"WHERE {self.pk} = %s AND {self.token} = %s AND {self.state} = %s"
        )


class Claims:
    """The claims and records of one sending run (one token), in plain SQL.

    Use ``claim`` for the next few notices, then ``record`` or ``fail`` each one in order,
    ``release`` what was claimed but not tried, and ``close`` at the end.
    """

    def __init__(self, kind):
        self.kind = kind
        self.token = uuid.uuid4()
        self.alias, self.connection = _database()
        self.sql = _Sql(kind, self.connection)
        self.token_value = ChangeNotice._meta.get_field("claim_token").get_db_prep_value(
            self.token, self.connection
        )
        self.with_id = kind == emails.CHANGE
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
        if self.with_id:
            return f"<privacy.{pk}.{self.token.hex}@{DNS_NAME}>"
        return mail.new_message_id()

    def claim(self, pks):
        """Claim those of ``pks`` still pending, in one durable commit; the claimed ones, in
        the order given."""
        if not pks:
            return []
        sql, now = self.sql, self._now()
        params = [EmailState.SENDING.value, self.token_value, now]
        if self.with_id:
            for pk in pks:
                params += [pk, self.message_id(pk)]
        params += [*pks, EmailState.PENDING.value]
        with transaction.atomic(using=self.alias):
            if self.unlogged:
                # This commit must reach the disk before anything is sent.
                self._execute("SET LOCAL synchronous_commit TO on", [])
                if not self.registered:
                    self._execute(
                        f"INSERT INTO {RUNS_TABLE} (token, started_at) VALUES (%s, %s)",
                        [self.token_value, now],
                    )
            self._execute(sql.claim(len(pks), self.with_id), params)
            self._execute(sql.claimed(len(pks)), [*pks, self.token_value, EmailState.SENDING.value])
            claimed = {row[0] for row in self.cursor.fetchall()}
        if self.unlogged and not self.registered:
            self.registered = True
            # From now on this session's commits (the records) do not wait for the disk.
            self._execute("SET synchronous_commit TO off", [])
        return [pk for pk in pks if pk in claimed]

    def record(self, pk):
        sql = self.sql.mine(f"{self.sql.state} = %s, {self.sql.sent_at} = %s")
        params = [EmailState.SENT.value, self._now(), pk, self.token_value]
        self._execute(sql, [*params, EmailState.SENDING.value])

    def fail(self, pk, reason):
        sql = self.sql.mine(f"{self.sql.state} = %s, {self.sql.failure} = %s")
        params = [EmailState.FAILED.value, reason[:500], pk, self.token_value]
        self._execute(sql, [*params, EmailState.SENDING.value])

    def release(self, pks):
        """Put claimed notices that were not sent back to ``pending``."""
        sql = self.sql.mine(
            f"{self.sql.state} = %s, {self.sql.token} = NULL, {self.sql.claimed_at} = NULL"
        )
        for pk in pks:
            self._execute(
                sql, [EmailState.PENDING.value, pk, self.token_value, EmailState.SENDING.value]
            )

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


def recover(version, kind, since):
    """Settle the claims of runs that stopped before ``since`` (presumed dead).

    Per run, the first notice still ``sending`` is the email it was sending when it stopped:
    kept as unconfirmed (its claim token cleared, so it no longer counts as work in
    progress). The others it had claimed but not tried go back to ``pending``. Where the
    run's registration is gone (the database server crashed or failed over since, so records
    may be lost) every one of them is kept as unconfirmed. Returns how many went back.
    """
    alias, connection = _database()
    state_field, _sent = STATE_FIELDS[kind]
    stale = ChangeNotice.objects.using(alias).filter(
        version=version,
        **{state_field: EmailState.SENDING},
        claim_token__isnull=False,
        email_claimed_at__lt=since,
    )
    released = 0
    for token in stale.values_list("claim_token", flat=True).distinct():
        mine = stale.filter(claim_token=token)
        pks = list(mine.order_by("pk").values_list("pk", flat=True))
        if _registered(connection, token):
            released += mine.filter(pk__in=pks[1:]).update(
                **{state_field: EmailState.PENDING}, claim_token=None, email_claimed_at=None
            )
        mine.update(claim_token=None)
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
