"""Retention for live accounts: records past the age their source keeps them for go, whether
or not the account still exists, through ``privacy_tick``'s ``retention`` step."""

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models.signals import pre_delete
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.concurrency import at_once
from tests.testapp.models import Invoice
from wagtail_privacy.rights.models import RetentionRun
from wagtail_privacy.rights.record_retention import apply_rules
from wagtail_privacy.sources import DataSource, register, registry

pytestmark = pytest.mark.django_db
User = get_user_model()
YEAR = timedelta(days=365.25)


def invoice(customer, number, age, name="Ana Šemrov"):
    return Invoice.objects.create(
        customer=customer,
        number=number,
        issued_at=timezone.now() - age,
        billing_name=name if customer else "",
        billing_address="Šmartinska cesta 12" if customer else "",
    )


def tick(*args):
    out = StringIO()
    call_command("privacy_tick", *args, stdout=out)
    return out.getvalue()


def report(output, step="retention"):
    """The step's line of the command's output, without the dry run's prefix."""
    lines = [line.removeprefix("[dry run] ") for line in output.splitlines()]
    [line] = [line for line in lines if line.startswith(f"{step}:")]
    return line


def test_an_11_year_old_invoice_of_a_live_customer_is_deleted_a_9_year_old_one_kept(customer):
    invoice(customer, "R-2015", 11 * YEAR)
    invoice(customer, "R-2017", 9 * YEAR)
    invoice(None, "R-2014", 12 * YEAR)  # of an erased account: its hold is over too
    out = tick()
    assert report(out, "holds") == "holds: purged_invoices=1"
    assert report(out) == "retention: retired_invoices=1"
    assert list(Invoice.objects.values_list("number", flat=True)) == ["R-2017"]
    assert User.objects.filter(pk=customer.pk, is_active=True).exists()  # still a customer


def test_dry_run_counts_and_changes_nothing(customer):
    invoice(customer, "R-2015", 11 * YEAR)
    invoice(customer, "R-2017", 9 * YEAR)
    assert report(tick("--dry-run")) == "retention: due_invoices=1"
    assert Invoice.objects.count() == 2
    assert not RetentionRun.objects.exists()  # a dry run leaves no audit entry


def test_a_second_run_does_nothing_more(customer):
    invoice(customer, "R-2015", 11 * YEAR)
    assert report(tick("--only", "retention")) == "retention: retired_invoices=1"
    assert report(tick("--only", "retention")) == "retention: retired_invoices=0"
    assert report(tick("--only", "retention", "--dry-run")) == "retention: due_invoices=0"
    counts = list(RetentionRun.objects.order_by("pk").values_list("counts", flat=True))
    assert counts == [{"invoices": 1}, {"invoices": 0}]


def test_batches_smaller_than_the_data_still_get_everything(settings, customer, other_customer):
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "RETENTION_BATCH_SIZE": 2}
    for i in range(7):
        invoice(customer if i % 2 else other_customer, f"R-{i}", 10 * YEAR + timedelta(days=i + 1))
    invoice(customer, "R-young", 2 * YEAR)
    with CaptureQueriesContext(connection) as queries:
        assert report(tick("--only", "retention")) == "retention: retired_invoices=7"
    assert list(Invoice.objects.values_list("number", flat=True)) == ["R-young"]
    deletes = [q["sql"] for q in queries if q["sql"].startswith("DELETE")]
    assert len(deletes) == 4  # 2 + 2 + 2 + 1 rows: memory stays bounded


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("after_retention", ["delete", "anonymise"])
def test_two_runs_at_once_retire_each_record_once(settings, after_retention):
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent transactions (PostgreSQL)")
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "RETENTION_BATCH_SIZE": 3}
    kept = type(registry.get("invoices"))
    source = type("Invoices", (kept,), {"after_retention": after_retention})
    customers = [User.objects.create_user(f"c{i}", f"c{i}@example.com", "pw") for i in range(4)]
    for i in range(20):
        invoice(customers[i % 4], f"R-{i}", 11 * YEAR)
    registry.unregister("invoices")
    register(source)
    try:
        retired, errors = at_once(lambda: apply_rules(timezone.now()))
    finally:
        registry.unregister("invoices")
        register(kept)
    assert not errors
    assert sum(counts["invoices"] for counts in retired) == 20
    assert RetentionRun.objects.filter(finished_at__isnull=False).count() == 2
    if after_retention == "delete":
        assert not Invoice.objects.exists()
    else:
        assert Invoice.objects.filter(customer=None, billing_name="").count() == 20


def test_the_run_is_on_record_and_in_the_log_with_counts_only(customer, caplog):
    invoice(customer, "R-2015", 11 * YEAR)
    before = timezone.now()
    with caplog.at_level(logging.INFO, logger="wagtail_privacy.retention"):
        tick("--only", "retention")
    run = RetentionRun.objects.get()
    assert before <= run.started_at <= run.finished_at <= timezone.now()
    assert run.counts == {"invoices": 1} and run.total == 1
    assert "invoices" in caplog.text and "1" in caplog.text
    for personal in ("Šemrov", "Šmartinska", "R-2015", customer.email):
        assert personal not in caplog.text
        assert personal not in str(run.counts)


def test_a_run_that_dies_midway_is_finished_by_the_next(settings, customer):
    """The host's own code fails on the third invoice: the first batch stays done, the run is
    on record as unfinished, and the next run retires the rest."""
    settings.WAGTAIL_PRIVACY = {**settings.WAGTAIL_PRIVACY, "RETENTION_BATCH_SIZE": 2}
    for i in range(5):
        invoice(customer, f"R-{i}", 11 * YEAR)

    def archive_first(sender, instance, **kwargs):
        if instance.number == "R-2":
            raise RuntimeError("archive offline")

    pre_delete.connect(archive_first, sender=Invoice)
    try:
        with pytest.raises(CommandError, match="retention"):
            tick("--only", "retention")
    finally:
        pre_delete.disconnect(archive_first, sender=Invoice)
    assert sorted(Invoice.objects.values_list("number", flat=True)) == ["R-2", "R-3", "R-4"]
    died = RetentionRun.objects.get()
    assert died.finished_at is None
    assert report(tick("--only", "retention")) == "retention: retired_invoices=3"
    assert not Invoice.objects.exists()
    assert RetentionRun.objects.filter(finished_at__isnull=False).get().counts == {"invoices": 3}


@pytest.fixture
def anonymising_invoices():
    """The invoices kept 5 years whole, then for statistics without the customer."""
    kept = type(registry.get("invoices"))

    class AnonymisedInvoices(kept):
        keep_for = "5y"
        after_retention = "anonymise"

    registry.unregister("invoices")
    register(AnonymisedInvoices)
    yield
    registry.unregister("invoices")
    register(kept)


def test_anonymise_keeps_the_row_without_the_customer(anonymising_invoices, customer):
    invoice(customer, "R-2020", 6 * YEAR)
    invoice(customer, "R-2022", 4 * YEAR)
    invoice(None, "R-2019", 7 * YEAR)  # of an erased account, anonymised then: nothing to do
    assert report(tick("--only", "retention", "--dry-run")) == "retention: due_invoices=1"
    assert report(tick("--only", "retention")) == "retention: retired_invoices=1"
    old = Invoice.objects.get(number="R-2020")
    assert (old.customer, old.billing_name, old.billing_address) == (None, "", "")
    young = Invoice.objects.get(number="R-2022")
    assert young.customer == customer and young.billing_name == "Ana Šemrov"
    assert Invoice.objects.count() == 3
    assert report(tick("--only", "retention")) == "retention: retired_invoices=0"


def test_a_source_of_its_own_applies_its_rule(customer):
    calls = []

    @register
    class Loyalty(DataSource):
        name, label, fields, erasable, kept_reason = "loyalty", "Loyalty", ("points",), False, "-"

        def records(self, user):
            return []

        def apply_retention(self, now, dry_run=False):
            calls.append(dry_run)
            return 4

    try:
        assert report(tick("--only", "retention", "--dry-run")) == (
            "retention: due_loyalty=4, due_invoices=0"
        )
        assert report(tick("--only", "retention")) == (
            "retention: retired_loyalty=4, retired_invoices=0"
        )
    finally:
        registry.unregister("loyalty")
    assert calls == [True, False]
    assert RetentionRun.objects.get().counts == {"invoices": 0, "loyalty": 4}
