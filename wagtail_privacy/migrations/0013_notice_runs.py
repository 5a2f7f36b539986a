"""The unlogged table of notice-sending runs (PostgreSQL only; see notices/claims.py).

PostgreSQL empties an unlogged table after a crash and a promoted standby has it empty, which
is what tells a lost run's records may be lost too. It is no Django model: only raw SQL in
``notices.claims`` reads and writes it.
"""

from django.db import migrations

TABLE = "wagtail_privacy_notice_run"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE UNLOGGED TABLE IF NOT EXISTS {TABLE} "
            "(token uuid PRIMARY KEY, started_at timestamp with time zone NOT NULL)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    dependencies = [("wagtail_privacy", "0012_background_failures_effective_enqueued")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
