"""``manage.py privacy_tick``: the periodic, idempotent housekeeping of wagtail-privacy."""

from django.core.management.base import BaseCommand, CommandError

from wagtail_privacy import tick


class Command(BaseCommand):
    help = (
        "Run the periodic privacy work: notify customers of policy changes, send "
        "'now in effect' emails, render missing PDFs. Safe to run every few minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be done; change nothing."
        )
        parser.add_argument(
            "--only", action="append", metavar="STEP", help="Run only this step (repeatable)."
        )

    def handle(self, *args, dry_run=False, only=None, **options):
        known = tick.steps()
        unknown = set(only or ()) - set(known)
        if unknown:
            raise CommandError(
                f"Unknown step(s): {', '.join(sorted(unknown))}. Steps: {', '.join(known)}."
            )
        try:
            reports, failed = tick.run(dry_run=dry_run, only=only), None
        except tick.StepFailed as error:
            reports, failed = error.reports, error
        prefix = "[dry run] " if dry_run else ""
        for name, report in reports.items():
            figures = ", ".join(f"{key}={value}" for key, value in report.items()) or "nothing"
            self.stdout.write(f"{prefix}{name}: {figures}")
        if failed:
            raise CommandError(f"{failed} (details in the wagtail_privacy.tick log)")
