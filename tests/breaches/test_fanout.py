"""The breach fan-out's claims are the notices' (``wagtail_privacy.claims``): a run killed
outright is settled by privacy_tick without emailing anyone twice, also after a crash of the
database server (PostgreSQL: its records did not wait for the disk)."""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from wagtail_privacy import claims
from wagtail_privacy.breaches import fanout
from wagtail_privacy.breaches.audience import selection
from wagtail_privacy.breaches.models import BreachNotice, BreachNotification, EmailState

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def killed_run(notices, claimed, sent):
    """What SIGKILL leaves of a run that claimed the first ``claimed`` notices and sent the
    first ``sent`` of them: those recorded, the next in flight, the rest claimed."""
    run = claims.Claims(fanout.COLUMNS)
    assert run.claim([n.pk for n in notices[:claimed]]) == [n.pk for n in notices[:claimed]]
    for notice in notices[:sent]:
        run.record(notice.pk)
    run.cursor.close()  # no close(): a killed run ends nothing
    return run


@pytest.mark.parametrize("crashed", [False, True])
def test_the_tick_settles_a_killed_run_without_repeats(make_breach, make_customers, crashed):
    if crashed and connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL records emails without waiting for the disk")
    customers = make_customers(8)
    breach = make_breach()
    notification = BreachNotification.objects.create(
        breach=breach, selection=selection(everyone=True)
    )
    assert fanout.create_notices(notification) == 8
    notices = list(BreachNotice.objects.order_by("pk"))
    run = killed_run(notices, claimed=6, sent=2)
    if crashed:
        # A crash of the server empties the unlogged table of runs.
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {claims.RUNS_TABLE} WHERE token = %s", [run.token_value])
    states = Counter(BreachNotice.objects.values_list("email_state", flat=True))
    assert states == {EmailState.SENT: 2, EmailState.SENDING: 4, EmailState.PENDING: 2}
    sent = BreachNotice.objects.filter(email_state=EmailState.SENT)
    assert all(n.message_id.startswith(f"<privacy.breach.{n.pk}.") for n in sent)

    with time_machine.travel(timezone.now() + fanout.lost_after() + timedelta(minutes=1)):
        call_command("privacy_tick", "--only", "breach_notices", stdout=StringIO())
    if crashed:
        # Any of the claimed may have gone out and lost its record: none is sent again.
        told, unconfirmed = customers[6:], 4
    else:
        # The one in flight is unconfirmed; the three it never tried go out now.
        told, unconfirmed = customers[3:], 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in told)
    states = Counter(BreachNotice.objects.values_list("email_state", flat=True))
    assert states == {EmailState.SENT: 8 - unconfirmed, EmailState.SENDING: unconfirmed}
    # Unconfirmed notices no longer count as work in progress: the round is finished.
    in_flight = BreachNotice.objects.filter(email_state=EmailState.SENDING)
    assert not in_flight.filter(claim_token__isnull=False).exists()
    assert BreachNotification.objects.get().finished_at is not None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {claims.RUNS_TABLE}")
            assert cursor.fetchone()[0] == 0  # every run's registration is gone


def test_a_run_records_each_email_and_ends_its_registration(make_breach, make_customers):
    customers = make_customers(3)
    breach = make_breach()
    notification = BreachNotification.objects.create(
        breach=breach, selection=selection(everyone=True)
    )
    assert fanout.notify(notification.pk) == {"notices": 3, "emailed": 3, "failed": 0}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in customers)
    by_id = {m.extra_headers["Message-ID"] for m in mail.outbox}
    assert by_id == set(BreachNotice.objects.values_list("message_id", flat=True))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {claims.RUNS_TABLE}")
            assert cursor.fetchone()[0] == 0
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"  # the session's setting is restored
