"""The headless storefront (static files that talk to the JSON API only), its sign-in, the
customer's orders (behind the acceptance gate), the public media and the shop's error pages."""

import posixpath
import time
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_POST
from django.views.static import serve

from wagtail_privacy import mail
from wagtail_privacy.notices.enforcement import AcceptanceMiddleware
from wagtail_privacy.rights import closure as closures
from wagtail_privacy.rights.models import ClosureKind, ClosureState

from .auth import INACTIVE_ATTRIBUTE
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


def login_language(request):
    languages = login_languages()
    requested = request.POST.get("lang") or request.GET.get("lang")
    if requested in languages:
        return requested
    current = translation.get_language() or settings.LANGUAGE_CODE
    return current if current in languages else settings.LANGUAGE_CODE


# A right password for a switched-off account: the session remembers whose it was for a while,
# so that its owner may have the reactivation link emailed again (at most every few minutes).
REACTIVATION_PROOF = "shop_reactivation_proof"
REACTIVATION_PROOF_SECONDS = 15 * 60
RESEND_EVERY_SECONDS = 5 * 60
CLOSED_KINDS = (ClosureKind.DEACTIVATION, ClosureKind.DELETION)


class SignInForm(AuthenticationForm):
    """Django's sign-in form, which tells the owner of a switched-off account (right password,
    see ``shop.auth``) that it is switched off, instead of "do not match"."""

    closed_user = None

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            user = getattr(self.request, INACTIVE_ATTRIBUTE, None)
            if user is None:
                raise
            self.closed_user = user
            raise ValidationError(self.error_messages["inactive"], code="inactive") from None


def switched_off(user):
    """The closure that switched ``user``'s account off (deactivation, deletion), or None."""
    closure = closures.active_closure(user)
    if closure is None or closure.kind not in CLOSED_KINDS:
        return None
    return closure


class LoginView(auth_views.LoginView):
    """Django's sign-in (email address or username, see ``shop.auth``) in the shop's look."""

    template_name = "shop/login.html"
    redirect_authenticated_user = True
    authentication_form = SignInForm

    def language(self):
        return login_language(self.request)

    def dispatch(self, request, *args, **kwargs):
        with translation.override(self.language()):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
        return response

    def form_invalid(self, form):
        if form.closed_user is not None:
            self.request.session[REACTIVATION_PROOF] = {
                "user": form.closed_user.pk,
                "at": time.time(),
            }
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lang"] = self.language()
        form = context.get("form")
        user = getattr(form, "closed_user", None)
        if user is not None:
            closure = switched_off(user)
            context["closed_account"] = {
                "closure": closure,
                "deletion": closure is not None and closure.kind == ClosureKind.DELETION,
                # Being erased: too late to come back.
                "can_reactivate": closure is not None and closure.state != ClosureState.ERASING,
            }
        return context


login = LoginView.as_view()


def email_reactivation_link(user, closure):
    """Email ``user`` the link that reactivates the account again, in their language: the
    email the package sent when the account was closed (deactivated, or deletion pending)."""
    if closure.kind == ClosureKind.DELETION:
        template, date_key = "deletion_scheduled", "date"
    else:
        template, date_key = "deactivated", "until"

    def context_of(_user):
        # Called in the customer's language: the link carries its prefix (/sl/privacy/...).
        return {
            date_key: mail.local_date(closure.scheduled_for),
            "reactivate_url": closures.reactivation_url(closure),
        }

    for _sent in mail.send_each(mail.customer_messages([user], template, context_of)):
        pass


@require_POST
def send_reactivation_link(request):
    """The button on the sign-in page of a switched-off account: email its link again.

    Only for the visitor who has just given the account's right password (the session says
    so), and at most once every few minutes per account.
    """
    language = login_language(request)
    with translation.override(language):
        proof = request.session.get(REACTIVATION_PROOF) or {}
        fresh = time.time() - float(proof.get("at", 0)) < REACTIVATION_PROOF_SECONDS
        user = None
        if fresh:
            User = get_user_model()
            user = User._default_manager.filter(pk=proof.get("user"), is_active=False).first()
        closure = switched_off(user) if user is not None else None
        if closure is None or closure.state == ClosureState.ERASING:
            request.session.pop(REACTIVATION_PROOF, None)
            messages.error(
                request, _("Please sign in again: then we can email you the link once more.")
            )
        elif cache.add(f"shop:reactivation-link:{user.pk}", True, RESEND_EVERY_SECONDS):
            email_reactivation_link(user, closure)
            messages.success(
                request,
                _(
                    "We have emailed you the link again. Open it to reactivate your account, "
                    "then sign in."
                ),
            )
        else:
            messages.info(
                request,
                _(
                    "We emailed you the link a few minutes ago. Please look for it in your "
                    "inbox (and your spam folder) before asking again."
                ),
            )
    query = {"lang": language}
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        query["next"] = next_url
    return redirect(f"{reverse('login')}?{urlencode(query)}")


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
