"""Cookie categories, and a browser's page views and choices, for the tests of cookie consent
(API, admin, service, template tags)."""

from django.contrib.auth.models import AnonymousUser

from wagtail_privacy.cookies.models import CookieCategory, CookieItem


def category(locales, key, name, *, language="en", original=None, cookies=(), **fields):
    """A category in ``language`` (a translation of ``original`` when given)."""
    made = CookieCategory(
        key=key,
        name=name,
        description=fields.pop("description", f"{name} cookies."),
        wording=fields.pop("wording", f"Allow {name.lower()} cookies."),
        locale=locales[language],
        **fields,
    )
    if original is not None:
        made.translation_key = original.translation_key
    made.cookies = [
        CookieItem(name=n, provider=p, duration=d, purpose=f"{n} purpose", sort_order=i)
        for i, (n, p, d) in enumerate(cookies)
    ]
    made.save()
    return made


def make_categories(locales):
    """Strictly necessary, statistics and marketing, in English; statistics in Slovenian."""
    necessary = category(
        locales,
        "necessary",
        "Strictly necessary",
        necessary=True,
        sort_order=0,
        cookies=[
            ("sessionid", "Lipa & Co.", "2 weeks"),
            ("privacy_visitor", "Lipa & Co.", "13 months"),
        ],
    )
    statistics = category(
        locales,
        "statistics",
        "Statistics",
        sort_order=10,
        cookies=[("_demo_stats", "Lipa Stats", "13 months")],
    )
    category(
        locales,
        "statistics",
        "Statistika",
        language="sl",
        original=statistics,
        sort_order=10,
        wording="Dovolim piškotke za statistiko.",
        cookies=[("_demo_stats", "Lipa Stats", "13 mesecev")],
    )
    marketing = category(
        locales,
        "marketing",
        "Marketing",
        marketing=True,
        sort_order=20,
        cookies=[("_demo_ads", "Lipa Ads", "90 days")],
    )
    return {"necessary": necessary, "statistics": statistics, "marketing": marketing}


URL = "/api/privacy/v1/cookies/"


def browser_request(rf, client=None, user=None, **headers):
    """A page view of the browser ``client`` (its visitor cookie), signed in as ``user``."""
    request = rf.get("/", **headers)
    if client is not None:
        request.COOKIES.update({k: m.value for k, m in client.cookies.items()})
    request.user = user or AnonymousUser()
    return request


def choose(client, **choices):
    """Record ``choices`` through the API, as the browser ``client``."""
    response = client.put(URL, {"choices": choices}, content_type="application/json")
    assert response.status_code == 200, response.content
    return response
