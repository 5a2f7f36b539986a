"""Mount with ``path("api/privacy/v1/", include("wagtail_privacy.api.urls"))``."""

from django.urls import path

from .main import api

urlpatterns = [path("", api.urls)]
