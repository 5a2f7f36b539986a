"""Page types of the demo shop (the policy pages come from wagtail_privacy)."""

from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The shop's home page: a short introduction and links to the legal documents."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    max_count_per_parent = 1

    class Meta:
        verbose_name = "home page"


class CustomerProfile(models.Model):
    """The shop's own customer data; the privacy app reads the language through a hook."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shop_profile"
    )
    language = models.CharField(max_length=10, blank=True)

    def __str__(self):
        return f"profile of customer {self.user_id}"
