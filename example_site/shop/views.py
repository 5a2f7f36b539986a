"""The headless storefront (static files that talk to the JSON API only), its sign-in, the
customer's orders (behind the acceptance gate), the public media and the shop's error pages."""

import posixpath
from pathlib import Path

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import translation
from django.views import defaults
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.static import serve

from wagtail_privacy.notices.enforcement import AcceptanceMiddleware

from .models import Order

STOREFRONT_DIR = Path(__file__).resolve().parent / "static" / "storefront"
STOREFRONT_FILES = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}
# Folders of MEDIA_ROOT anyone may fetch: Wagtail's images and the rendered policy PDFs (named
# by their SHA-256). Not the rest: documents go through Wagtail's view, which checks their
# privacy, and data exports (personal data, named by number) through their signed links only.
PUBLIC_MEDIA = ("images/", "original_images/", "wagtail_privacy/policies/")


@ensure_csrf_cookie
def storefront(request, filename="index.html"):
    """Serve the storefront's few files, with or without DEBUG and ``collectstatic``.

    The page sets the ``csrftoken`` cookie: the storefront's script sends it back in the
    ``X-CSRFToken`` header of the API's POST requests.
    """
    content_type = STOREFRONT_FILES.get(filename)
    if content_type is None:
        raise Http404("No such storefront file.")
    response = FileResponse((STOREFRONT_DIR / filename).open("rb"), content_type=content_type)
    response["Cache-Control"] = "no-cache"
    return response


def login_languages():
    """The sign-in page speaks the site's languages; the storefront passes its own as ?lang=."""
    return {code for code, _name in settings.LANGUAGES}


class LoginView(auth_views.LoginView):
    """Django's sign-in (email address or username, see ``shop.auth``) in the shop's look."""

    template_name = "shop/login.html"
    redirect_authenticated_user = True

    def language(self):
        languages = login_languages()
        requested = self.request.POST.get("lang") or self.request.GET.get("lang")
        if requested in languages:
            return requested
        current = translation.get_language() or settings.LANGUAGE_CODE
        return current if current in languages else settings.LANGUAGE_CODE

    def dispatch(self, request, *args, **kwargs):
        with translation.override(self.language()):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lang"] = self.language()
        return context


login = LoginView.as_view()
logout = auth_views.LogoutView.as_view()  # POST only; back to LOGOUT_REDIRECT_URL


ORDER_COLUMNS = ("number", "placed_at", "total", "status")


def orders_page(request):
    """The signed-in customer's orders, newest first."""
    columns = [Order._meta.get_field(name).verbose_name for name in ORDER_COLUMNS]
    orders = Order.objects.filter(customer=request.user).order_by("-placed_at")
    return render(request, "shop/orders.html", {"columns": columns, "orders": orders})


# The package's acceptance gate for server-rendered pages, on this page only: a customer who
# owes an acceptance (a required policy changed) is sent to /privacy/accept/?next=... and comes
# back here once accepted; staff are exempt. The storefront, being headless, asks
# /api/privacy/v1/me/ instead and accepts through the API.
orders = login_required(AcceptanceMiddleware(orders_page))


def public_media(request, path):
    """A file of the public media folders (neither runserver nor gunicorn serves media)."""
    path = posixpath.normpath(path).lstrip("/")
    if not path.startswith(PUBLIC_MEDIA):
        raise Http404("Not a public media file.")
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def page_not_found(request, exception):
    return defaults.page_not_found(request, exception, template_name="shop/404.html")


def server_error(request):
    # Rendered without the request's context: the template must need nothing but itself.
    return defaults.server_error(request, template_name="shop/500.html")
