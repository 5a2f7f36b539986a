"""The migrations match the models, and wagtail_privacy's can be unapplied and applied again."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from wagtail_privacy.notices.claims import RUNS_TABLE

#: The apps of this repository that have migrations (the demo shop's are checked by .ci/run).
PROJECT_APPS = ("wagtail_privacy", "testapp")


@pytest.mark.django_db  # makemigrations checks the history of applied migrations
def test_no_migration_is_missing():
    out, err = StringIO(), StringIO()
    try:
        call_command(
            "makemigrations", *PROJECT_APPS, "--check", "--dry-run", stdout=out, stderr=err
        )
    except SystemExit:
        pytest.fail(
            "The models have changes no migration records; run makemigrations:\n"
            + out.getvalue()
            + err.getvalue(),
            pytrace=False,
        )


def tables():
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def applied():
    return set(MigrationLoader(connection).applied_migrations)


def unlogged(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpersistence FROM pg_class WHERE relname = %s", [table])
        row = cursor.fetchone()
    return row is not None and row[0] == "u"


def built_on(app_label):
    """The migrations of the app and of every other app's migration that depends on them."""
    graph = MigrationLoader(connection).graph
    nodes = set()
    for root in graph.root_nodes(app_label):
        nodes.update(graph.backwards_plan(root))  # what depends on it, and itself
    return nodes


def rows(only_wagtail_privacy):
    """The number of rows of each table, of wagtail_privacy's or of every other app's."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(tables()):
            if table.startswith("wagtail_privacy") == only_wagtail_privacy:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def database(django_db_setup, django_db_blocker, monkeypatch):
    """The test database as the tests before left it: no transaction, and no flush after.

    Not ``django_db(transaction=True)``: the flush after such a test either recreates the
    content types (without serialized_rollback), so that a serialized_rollback test after it
    fails to restore its own, or (with it) leaves an empty database, and its restore before
    the test fails after a transactional test of the first kind (tests/rights/ has some).
    Without the marker pytest-django runs this test after every database test: after the
    browser journeys too, whose Playwright may have left its event loop set as running in this
    thread, where Django would refuse synchronous database work that is in fact alone here.
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with django_db_blocker.unblock():
        yield


def test_wagtail_privacy_migrates_to_zero_and_back(database):
    model_tables = {
        model._meta.db_table for model in apps.get_app_config("wagtail_privacy").get_models()
    }
    postgresql = connection.vendor == "postgresql"
    # Going to zero unapplies the migrations of other apps that depend on wagtail_privacy's
    # too (none in the test project today); going forwards applies them again.
    unapplied = built_on("wagtail_privacy")
    # Nothing to apply, but what post_migrate creates (content types, permissions) is there
    # from now on, also after an earlier test's flush emptied every table.
    call_command("migrate", verbosity=0)
    assert model_tables <= tables()
    assert not postgresql or unlogged(RUNS_TABLE)
    assert set(rows(only_wagtail_privacy=True).values()) == {0}, "rows an earlier test left"
    elsewhere = rows(only_wagtail_privacy=False)
    try:
        call_command("migrate", "wagtail_privacy", "zero", verbosity=0)
        assert applied() & unapplied == set()
        left = {table for table in tables() if table.startswith("wagtail_privacy")}
        assert left == set()  # the unlogged table of runs too (PostgreSQL)
    finally:
        # Forwards again, also when the way back failed: the tests after this one need them.
        call_command("migrate", verbosity=0)
    assert model_tables <= tables()
    # The unlogged table is PostgreSQL's only; SQLite does without it.
    assert unlogged(RUNS_TABLE) if postgresql else RUNS_TABLE not in tables()
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    # The database is as the test found it: Wagtail's rows, content types, permissions and
    # migration records as they were, wagtail_privacy's tables empty as they were.
    assert rows(only_wagtail_privacy=False) == elsewhere
    assert set(rows(only_wagtail_privacy=True).values()) == {0}
