"""Pages for server-rendered sites: ``path("privacy/", include("wagtail_privacy.urls"))``."""

from django.urls import path

from .consent import views as consent_views
from .notices import views
from .recipients import views as recipient_views
from .rights import views as rights_views

app_name = "wagtail_privacy"

urlpatterns = [
    path("accept/", views.accept, name="accept"),
    path("unsubscribe/<str:token>/", consent_views.unsubscribe_page, name="unsubscribe"),
    path("reactivate/<str:token>/", rights_views.reactivate_page, name="reactivate"),
    path(
        "recipients/acknowledge/<str:token>/",
        recipient_views.acknowledge_page,
        name="recipient_ack",
    ),
    path(
        "requests/confirm/<str:token>/", rights_views.confirm_request_page, name="confirm_request"
    ),
]
