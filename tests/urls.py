from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("api/privacy/v1/", include("wagtail_privacy.api.urls")),
    path("api/v2/", api_router.urls),
]
# As the README's installation: the privacy pages and Wagtail's pages in the reader's
# language, English at /privacy/accept/, Slovenian at /sl/privacy/accept/.
urlpatterns += i18n_patterns(
    path("privacy/", include("wagtail_privacy.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
