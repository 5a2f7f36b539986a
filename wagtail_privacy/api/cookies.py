"""Cookie consent for every visitor, signed in or not: the categories and the visitor's
choices (``GET``), and recording them (``PUT``).

The only cookie these endpoints set is the visitor cookie (strictly necessary: it remembers
the choices), and only when a choice is recorded. A signed-in customer's session is CSRF
checked as on the other signed-in endpoints; an anonymous visitor has no session to forge.
"""

from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.utils import check_csrf
from pydantic import StrictBool

from ..cookies import service, visitor
from ..cookies.models import CookieSource
from .errors import COMMON, ErrorOut

public = Router(tags=["cookies"])

#: More categories than any shop has: a body with more keys is refused before it is read.
MAX_CHOICES = 100


class CookieOut(Schema):
    name: str = Field(description="The cookie, or the service that sets cookies.")
    provider: str
    duration: str = Field(description="How long it is kept, in the editors' words.")
    purpose: str


class CategoryOut(Schema):
    key: str = Field(description="Stable identifier: `data-cookie-category` of marked scripts.")
    name: str
    description: str
    necessary: bool = Field(description="Strictly necessary: always on, not a choice.")
    marketing: bool = Field(description="Refused while the browser sends Global Privacy Control.")
    wording: str
    wording_version: int
    cookies: list[CookieOut]
    choice: bool | None = Field(
        description="The visitor's choice that counts now (true for strictly necessary "
        "categories); null when there is none, or it was made before the category changed."
    )
    changed: bool = Field(
        description="The visitor chose, but the category's wording or cookies changed since: "
        "asked again, for this category only."
    )


class PolicyLinkOut(Schema):
    title: str
    url: str = Field(description='The live cookie policy page; "" when there is none.')


class TextsOut(Schema):
    """The banner's and settings dialog's words, in the reader's language."""

    title: str
    intro: str
    accept_all: str
    reject_all: str
    settings: str
    save: str
    close: str
    necessary_note: str
    changed: str
    dialog_title: str
    settings_link: str
    policy_link: str
    saved: str
    gpc: str = Field(description="Said when Global Privacy Control refused marketing categories.")
    error: str = Field(description="Said when a choice could not be saved.")


class CookiesOut(Schema):
    categories: list[CategoryOut]
    choices: dict[str, bool] = Field(
        description="Every category that is not strictly necessary → whether its cookies and "
        "scripts are allowed now (false without a choice)."
    )
    show_banner: bool = Field(
        description="Some category that is not strictly necessary has no choice that counts."
    )
    gpc: bool = Field(
        description="The request sent `Sec-GPC: 1` and marketing categories are refused "
        "because of it (recorded once, with source `gpc`)."
    )
    decided_at: datetime | None = Field(description="When the latest choice that counts was made.")
    policy: PolicyLinkOut
    texts: TextsOut


class ChoicesIn(Schema):
    choices: Annotated[dict[str, StrictBool], Field(max_length=MAX_CHOICES)] = Field(
        description="{category key: allowed}. Categories left out keep their choice, or are "
        "refused when they have none."
    )
    source: Literal["banner", "settings", "api"] = Field(
        "api", description="Where the visitor chose, for the proof."
    )


def texts():
    return {
        "title": _("Cookies on this site"),
        "intro": _(
            "We use strictly necessary cookies to run this site. With your permission we "
            "would also like to use others: choose which. You can change your choice at any "
            "time with the “Cookie settings” link."
        ),
        "accept_all": _("Accept all"),
        "reject_all": _("Reject all"),
        "settings": _("Choose"),
        "save": _("Save choices"),
        "close": _("Close"),
        "necessary_note": _("Always on"),
        "changed": _("Changed since you chose"),
        "dialog_title": _("Cookie settings"),
        "settings_link": _("Cookie settings"),
        "policy_link": _("Cookie policy"),
        "saved": _("Your choices are saved."),
        "gpc": _(
            "Your browser sends a Global Privacy Control signal: we treat it as a refusal of "
            "marketing cookies."
        ),
        "error": _("Your choices could not be saved. Please try again."),
    }


def _policy(language):
    page = service.cookie_policy_page(language)
    if page is None:
        return {"title": _("Cookie policy"), "url": ""}
    return {"title": page.title, "url": page.get_full_url() or ""}


def overview(request):
    """The body of GET and PUT, for the request's visitor, in the reader's language."""
    language = request.privacy_language
    held = service.snapshot(request)
    now = timezone.now()
    decided = []
    out = []
    for category in service.categories(language):
        rule = held.rules.get(category.key)
        necessary = rule.necessary if rule else category.necessary
        marketing = rule.marketing if rule else category.marketing
        choice = held.state.get(category.key)
        if necessary:
            value, changed = True, False
        elif service.counting(rule, choice, now):
            value, changed = choice.granted, False
            decided.append(choice.at)
        else:
            value, changed = None, service.changed(rule, choice)
        out.append(
            {
                "key": category.key,
                "name": category.name,
                "description": category.description,
                "necessary": necessary,
                "marketing": marketing,
                "wording": category.wording,
                "wording_version": category.wording_version,
                "cookies": [
                    {
                        "name": item.name,
                        "provider": item.provider,
                        "duration": item.duration,
                        "purpose": item.purpose,
                    }
                    for item in category.items
                ],
                "choice": value,
                "changed": changed,
            }
        )
    return {
        "categories": out,
        "choices": service.allowed(request),
        "show_banner": service.banner_needed(request),
        "gpc": service.gpc(request) and any(r.marketing for r in held.rules.values()),
        "decided_at": max(decided) if decided else None,
        "policy": _policy(language),
        "texts": texts(),
    }


def _private(response):
    # The answer depends on the visitor's cookie, session and GPC header: no shared cache.
    add_never_cache_headers(response)
    patch_vary_headers(response, ["Cookie", "Sec-GPC"])


@public.get(
    "cookies/",
    response={**COMMON, 200: CookiesOut},
    url_name="cookies",
    summary="Cookie categories and this visitor's choices",
    description=(
        "For every visitor, signed in or not. A signed-in customer's choices are read from "
        "their account (the same on every device); anyone else's from the visitor cookie "
        "(`COOKIE_VISITOR_COOKIE`, strictly necessary, random and signed: a forged one is "
        "ignored). Sets no cookie, except when a known visitor (a valid visitor cookie) or a "
        "signed-in customer's browser sends Global Privacy Control "
        "(`Sec-GPC: 1`): marketing categories are then recorded as refused (once) and the "
        "visitor cookie is set. Reading costs no database query in steady state."
    ),
    auth=None,
)
def get_cookies(request, response: HttpResponse):
    if service.apply_gpc(request):
        visitor.set_cookie(request, response, visitor.from_request(request))
    _private(response)
    return overview(request)


@public.put(
    "cookies/",
    response={**COMMON, 200: CookiesOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    url_name="cookies_set",
    summary='Record cookie choices: {"choices": {"statistics": true, "marketing": false}}',
    description=(
        "Records what differs from the choices that count now; categories left out keep "
        "their choice, or are refused when they have none, so `show_banner` is false after "
        "any PUT. Answers as GET and sets the visitor cookie (HttpOnly, SameSite=Lax, Secure "
        "over HTTPS, `COOKIE_CONSENT_MAX_AGE`). 422 `unknown_cookie_category` for an unknown "
        "key, `cookie_category_necessary` for refusing a strictly necessary category: nothing "
        "is recorded then. Under Global Privacy Control, allowing a marketing category is "
        "recorded as a refusal (source `gpc`). A signed-in session needs the CSRF token "
        "(`X-CSRFToken`, 403 `csrf_failed`). A browser without a visitor cookie counts as a "
        "new visitor: beyond `COOKIE_NEW_VISITORS_PER_IP` an hour from one IP address, 429 "
        "`throttled` (with `retry_after`)."
    ),
    auth=None,
)
def put_cookies(request, payload: ChoicesIn, response: HttpResponse):
    if service.signed_in(request) is not None and check_csrf(request) is not None:
        raise HttpError(403, "CSRF check failed")
    service.record_choices(request, payload.choices, source=CookieSource(payload.source))
    visitor.set_cookie(request, response, visitor.ensure(request))
    _private(response)
    return overview(request)
