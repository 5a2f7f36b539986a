"""privacy_tick step of policies: render the PDFs the background worker has not rendered."""

from ..tick import tick_step
from .models import PolicyVersionText
from .pdf import stored_pdf


@tick_step("pdfs")
def render_missing_pdfs(now, dry_run):
    missing = PolicyVersionText.objects.filter(pdf__isnull=True).select_related(
        "version__policy", "locale"
    )
    if dry_run:
        return {"pdfs_to_render": missing.count()}
    rendered = 0
    for text in missing.iterator():
        stored_pdf(text)
        rendered += 1
    return {"rendered": rendered}
