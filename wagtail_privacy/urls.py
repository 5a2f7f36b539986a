"""Pages for server-rendered sites: ``path("privacy/", include("wagtail_privacy.urls"))``."""

from django.urls import path

from .consent import views as consent_views
from .notices import views

app_name = "wagtail_privacy"

urlpatterns = [
    path("accept/", views.accept, name="accept"),
    path("unsubscribe/<str:token>/", consent_views.unsubscribe_page, name="unsubscribe"),
]
