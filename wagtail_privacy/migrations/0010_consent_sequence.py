# Consent records get a per-subject, per-purpose, per-channel sequence number, unique per subject,
# so two simultaneous writers cannot both record the same change (the second one collides).

from django.db import migrations, models


def number_records(apps, schema_editor):
    """Number existing rows 1, 2, 3... per (subject, purpose, channel), oldest first."""
    ConsentRecord = apps.get_model("wagtail_privacy", "ConsentRecord")
    counters = {}
    changed = []
    rows = ConsentRecord.objects.order_by("pk").values_list(
        "pk", "user_id", "email_sha256", "purpose_key", "channel"
    )
    for pk, user_id, email_sha256, purpose_key, channel in rows.iterator(chunk_size=2000):
        subject = ("user", user_id) if user_id is not None else ("guest", email_sha256)
        group = (subject, purpose_key, channel)
        counters[group] = sequence = counters.get(group, 0) + 1
        if sequence != 1:  # the column was added with 1
            changed.append(ConsentRecord(pk=pk, sequence=sequence))
        if len(changed) >= 1000:
            ConsentRecord.objects.bulk_update(changed, ["sequence"])
            changed = []
    if changed:
        ConsentRecord.objects.bulk_update(changed, ["sequence"])


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_privacy", "0009_closure_claims"),
    ]

    operations = [
        migrations.AddField(
            model_name="consentrecord",
            name="sequence",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="sequence"),
            preserve_default=False,
        ),
        migrations.RunPython(number_records, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="consentrecord",
            constraint=models.UniqueConstraint(
                condition=models.Q(user__isnull=False),
                fields=("user", "purpose_key", "channel", "sequence"),
                name="privacy_consent_user_sequence",
            ),
        ),
        migrations.AddConstraint(
            model_name="consentrecord",
            constraint=models.UniqueConstraint(
                condition=models.Q(user__isnull=True) & ~models.Q(email_sha256=""),
                fields=("email_sha256", "purpose_key", "channel", "sequence"),
                name="privacy_consent_guest_sequence",
            ),
        ),
    ]
