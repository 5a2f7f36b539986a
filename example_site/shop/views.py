"""The headless storefront (static files that talk to the JSON API only) and its sign-in."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import FileResponse, Http404
from django.utils import translation
from django.views.decorators.csrf import ensure_csrf_cookie

STOREFRONT_DIR = Path(__file__).resolve().parent / "static" / "storefront"
STOREFRONT_FILES = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}


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


# The sign-in page speaks the storefront's languages; the storefront passes its own as ?lang=.
LOGIN_TEXT = {
    "en": {
        "title": "Sign in",
        "intro": (
            "Sign in to open your privacy centre: the documents to accept, your notices, "
            "a copy of your data and your requests."
        ),
        "login": "Email address or username",
        "password": "Password",
        "submit": "Sign in",
        "invalid": "The email address (or username) and password do not match.",
        "demo": "Demo customers: ana@example.com or bor@example.com, password customer-demo.",
        "back": "Back to the shop",
    },
    "sl": {
        "title": "Prijava",
        "intro": (
            "Prijavite se, da odprete svoj center za zasebnost: dokumente, ki jih morate "
            "sprejeti, obvestila, kopijo svojih podatkov in svoje zahteve."
        ),
        "login": "E-poštni naslov ali uporabniško ime",
        "password": "Geslo",
        "submit": "Prijava",
        "invalid": "E-poštni naslov (ali uporabniško ime) in geslo se ne ujemata.",
        "demo": ("Predstavitvena kupca: ana@example.com ali bor@example.com, geslo customer-demo."),
        "back": "Nazaj v trgovino",
    },
    "sq": {
        "title": "Hyrja",
        "intro": (
            "Hyni për të hapur qendrën tuaj të privatësisë: dokumentet që duhet të pranoni, "
            "njoftimet, një kopje të të dhënave tuaja dhe kërkesat tuaja."
        ),
        "login": "Adresa e email-it ose emri i përdoruesit",
        "password": "Fjalëkalimi",
        "submit": "Hyr",
        "invalid": "Adresa e email-it (ose emri i përdoruesit) dhe fjalëkalimi nuk përputhen.",
        "demo": (
            "Klientë demonstrues: ana@example.com ose bor@example.com, fjalëkalimi customer-demo."
        ),
        "back": "Kthehu te dyqani",
    },
    "hr": {
        "title": "Prijava",
        "intro": (
            "Prijavite se kako biste otvorili svoj centar za privatnost: dokumente koje trebate "
            "prihvatiti, obavijesti, kopiju svojih podataka i svoje zahtjeve."
        ),
        "login": "Adresa e-pošte ili korisničko ime",
        "password": "Lozinka",
        "submit": "Prijavi se",
        "invalid": "Adresa e-pošte (ili korisničko ime) i lozinka ne podudaraju se.",
        "demo": "Demo kupci: ana@example.com ili bor@example.com, lozinka customer-demo.",
        "back": "Natrag u trgovinu",
    },
}


class LoginView(auth_views.LoginView):
    """Django's sign-in (email address or username, see ``shop.auth``) in the shop's look."""

    template_name = "shop/login.html"
    redirect_authenticated_user = True

    def language(self):
        requested = self.request.POST.get("lang") or self.request.GET.get("lang")
        if requested in LOGIN_TEXT:
            return requested
        current = translation.get_language() or settings.LANGUAGE_CODE
        return current if current in LOGIN_TEXT else "en"

    def dispatch(self, request, *args, **kwargs):
        with translation.override(self.language()):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        language = self.language()
        context.update(lang=language, text=LOGIN_TEXT[language])
        return context


login = LoginView.as_view()
logout = auth_views.LogoutView.as_view()  # POST only; back to LOGOUT_REDIRECT_URL
