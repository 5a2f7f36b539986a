"""Cookie categories for the tests of cookie consent (API, admin, service)."""

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
