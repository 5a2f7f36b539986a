"""The editor form of a policy page: refuses a publication the service would refuse."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm


class PolicyPageForm(WagtailAdminPageForm):
    """Validates the change level, summary and effective date when the editor publishes.

    Saving a draft never checks them; publishing runs the same checks as
    ``services.plan_publication`` so that the page is not published when they fail.
    """

    publication_fields = ("change_level", "change_summary", "effective_at")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A live page's fields describe the version already recorded; start the next one blank.
        if not self.is_bound and self.instance.pk and self._live_revision_recorded():
            for name in self.publication_fields:
                if name in self.fields:
                    self.initial[name] = None

    def _live_revision_recorded(self):
        from .models import PolicyVersionText

        revision_id = self.instance.live_revision_id
        return (
            bool(revision_id) and PolicyVersionText.objects.filter(revision_id=revision_id).exists()
        )

    @property
    def is_publishing(self):
        return self.data is not None and "action-publish" in self.data

    def clean(self):
        cleaned = super().clean()
        if not self.is_publishing:
            return cleaned
        from .services import plan_publication

        if cleaned.get("go_live_at"):
            self.add_error(
                "go_live_at",
                _(
                    "Policies are not scheduled with a go-live date: publish now and set the "
                    "effective date of the version instead."
                ),
            )
        try:
            plan_publication(
                translation_key=self.instance.translation_key,
                locale=self.instance.locale,
                slug=cleaned.get("slug") or self.instance.slug,
                change_level=cleaned.get("change_level") or "",
                effective_at=cleaned.get("effective_at"),
            )
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned
