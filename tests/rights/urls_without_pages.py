"""A site's URLconf that mounts the API but not the plugin's pages (``wagtail_privacy.urls``)."""

from django.urls import include, path

urlpatterns = [path("api/privacy/v1/", include("wagtail_privacy.api.urls"))]
