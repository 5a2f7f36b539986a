"""Background work of policies (django_tasks): module-level tasks that take primary keys."""

from django.utils.translation import gettext_lazy as _
from django_tasks import task

from ..background import recorded
from .models import PolicyVersionText
from .pdf import stored_pdf


@task()
@recorded(_("Render the PDF of a policy version"))
def render_version_pdf(text_id: int) -> str:
    """Render and store the PDF of one version text; a no-op once it is stored."""
    text = (
        PolicyVersionText.objects.select_related("version__policy", "locale")
        .filter(pk=text_id)
        .first()
    )
    if text is None:
        return ""
    return stored_pdf(text).sha256
