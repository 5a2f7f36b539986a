from django.conf import settings
from django.db import models


class CustomerProfile(models.Model):
    """A host's own customer data: the preferred language used for notices."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(max_length=10, blank=True)

    def __str__(self):
        return f"profile of {self.user_id}"
