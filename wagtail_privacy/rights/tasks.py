"""Background work of data rights (django_tasks)."""

from django_tasks import task

from .export import build


@task()
def build_export_task(export_id: str) -> str:
    """Build one export ZIP; safe to run again (a built export is left alone)."""
    export = build(export_id)
    return export.status if export else ""
