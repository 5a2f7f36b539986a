from django.conf.urls.i18n import i18n_patterns
from django.contrib.staticfiles.views import serve as serve_static
from django.core.files.storage import FileSystemStorage, default_storage
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents import urls as wagtaildocs_urls

from .views import login, logout, orders, public_media, send_reactivation_link, storefront

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/privacy/v1/", include("wagtail_privacy.api.urls")),
    path("api/v2/", api_router.urls),
    # Sign-in for the storefront's privacy centre (the JSON API has no login of its own).
    path("accounts/login/", login, name="login"),
    path("accounts/logout/", logout, name="logout"),
    # A switched-off account's owner, who just gave the right password, has its link emailed again.
    path("accounts/reactivation-link/", send_reactivation_link, name="reactivation_link"),
    path("storefront/", storefront, name="storefront"),
    path("storefront/<str:filename>", storefront, name="storefront_file"),
    # Behind the acceptance gate: a customer who owes an acceptance is sent to accept first.
    path("account/orders/", orders, name="orders"),
    # Static files (admin, storefront styles) without DEBUG, from the apps' folders, for
    # runserver and gunicorn alike. A shop in production serves them from its web server or
    # a CDN after collectstatic.
    re_path(r"^static/(?P<path>.+)$", serve_static, {"insecure": True}),
]

if isinstance(default_storage, FileSystemStorage) and default_storage.base_url == "/media/":
    # With or without DEBUG: Wagtail's images and the rendered policy PDFs (see the view).
    urlpatterns.append(re_path(r"^media/(?P<path>.+)$", public_media, name="public_media"))

# Pages, and the package's pages (accept, unsubscribe, reactivate): English at /, the other
# languages under /sl/, /sq/, /hr/ (e.g. /sl/privacy/accept/). Wagtail's pages come last: they
# match any path.
urlpatterns += i18n_patterns(
    path("privacy/", include("wagtail_privacy.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

# The shop's own pages for errors (no traceback, whatever DEBUG says).
handler404 = "shop.views.page_not_found"
handler500 = "shop.views.server_error"
