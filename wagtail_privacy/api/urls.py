"""Mount with ``path("api/privacy/v1/", include("wagtail_privacy.api.urls"))``.

Every path under that prefix belongs to the API: one that names no endpoint, the prefix itself
included, answers the JSON 404 ``not_found`` for any method.
"""

from django.urls import path, re_path

from .main import api, not_found

urlpatterns = [
    # Before Django Ninja's root view, which answers the site's HTML 404.
    path("", not_found),
    path("", api.urls),
    re_path(r"^", not_found),
]
