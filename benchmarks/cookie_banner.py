r"""What the cookie banner adds to a page view: the same page with and without it, in-process.

Run from the repository root::

    .venv/bin/python benchmarks/cookie_banner.py             # about 1 minute
    .venv/bin/python benchmarks/cookie_banner.py --no-redis  # LocMemCache only

Database: ``DATABASE_URL`` if set (a dedicated database, dropped afterwards), else a temporary
SQLite file. Redis: ``REDIS_URL`` (default ``redis://127.0.0.1:6379/15``); the run's keys carry
a prefix of their own and are deleted at the end. Without an answering Redis its rows are left
out.

Two pages, rendered by a view with ``render()`` through the test project's whole middleware
stack (sessions, locale, CSRF, authentication, messages) with Django's test client:

* ``without``: a demo shop page (a header that reads ``user.is_authenticated``, as a shop's
  "Sign in / Sign out" does; main; footer; the two third-party-style scripts written as
  ``<script type="text/plain" data-cookie-category=...>``);
* ``with``: the same page as the demo shop writes it, plus ``{% cookie_banner %}`` and
  ``{% cookie_settings_link %}``, and two ``{% has_cookie_consent %}`` ("statistics",
  "marketing") that render each script as a real one when allowed.

The demo's three categories (strictly necessary, statistics, marketing; statistics also in
Slovenian). Three visitors: a newcomer (no visitor cookie), a visitor whose choices are
recorded (``PUT /api/privacy/v1/cookies/``: statistics yes, marketing no) and a signed-in
customer with the same choices. For each cache (LocMemCache, RedisCache) and visitor: warm-up
requests (the steady state: the categories' rules and the visitor's choices cached), then a
counted pass of ``--count`` requests per page (SQL statements and cache calls per request;
one ``get_many`` is one round trip), then ``--rounds`` timed rounds of ``--seconds`` each that
alternate the two pages. us/req is the median of the rounds; +us the median of each round's
difference (load on the machine between rounds cancels out); the ratio is with ÷ without.

Targets (issue 16): 0 extra queries; at most 1 extra cache round trip per request.
Figures vary with the machine: compare rows of one run.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.support import (  # noqa: E402
    QueryCounter,
    base_settings,
    clear_cache,
    print_total_time,
    run_database,
    setup_django,
    versions_text,
)

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
API = "/api/privacy/v1/cookies/"
PAGES = {"without": "/bench/without/", "with": "/bench/with/"}
# Not round trips: key helpers, and close() (request_finished).
CACHE_HELPERS = {
    "make_key",
    "make_and_validate_key",
    "validate_key",
    "get_backend_timeout",
    "close",
}

LAYOUT = """<!doctype html>
<html lang="{{ LANGUAGE_CODE }}"><head><meta charset="utf-8"><title>Lipa &amp; Co.</title></head>
<body>
  {{BANNER}}
  <header><a href="/">Lipa &amp; Co.</a><nav>{% if user.is_authenticated %}
    <a href="/account/orders/">Orders</a> · <a href="/accounts/logout/">Sign out</a>{% else %}
    <a href="/accounts/login/">Sign in</a>{% endif %}</nav></header>
  <main><h1>Loose-leaf teas</h1><p>Herbal blends and handmade ceramics from Ljubljana.</p>
  <ul>{% for n in items %}<li><a href="/tea/{{ n }}/">Tea {{ n }}</a></li>{% endfor %}</ul></main>
  <footer>Lipa &amp; Co. d.o.o. · Lipova ulica 7 · 1000 Ljubljana{{LINK}}</footer>
  {{SCRIPTS}}
</body></html>"""
SCRIPTS = {"statistics": "/static/shop/stats.js", "marketing": "/static/shop/ads.js"}


def waiting(key):
    return f'<script type="text/plain" data-cookie-category="{key}" data-src="{SCRIPTS[key]}">'


def running(key):
    return f'<script src="{SCRIPTS[key]}" data-cookie-category="{key}" defer>'


PLAIN_SCRIPTS = "".join(f"{waiting(key)}</script>" for key in SCRIPTS)
# As example_site/shop/templates/shop/base.html writes them.
CONSENT_SCRIPTS = "".join(
    f'{{% has_cookie_consent "{key}" as allowed %}}'
    f"{{% if allowed %}}{running(key)}{{% else %}}{waiting(key)}{{% endif %}}</script>"
    for key in SCRIPTS
)


def page_source(load, banner="", link="", scripts=PLAIN_SCRIPTS):
    layout = LAYOUT.replace("{{BANNER}}", banner).replace("{{LINK}}", link)
    return f"{{% load {load} %}}{{% get_current_language as LANGUAGE_CODE %}}" + layout.replace(
        "{{SCRIPTS}}", scripts
    )


SOURCES = {
    "without": page_source("i18n"),
    "with": page_source(
        "i18n privacy_cookies",
        banner="{% cookie_banner %}",
        link=" · {% cookie_settings_link %}",
        scripts=CONSENT_SCRIPTS,
    ),
}


# --- Django setup -------------------------------------------------------------------------


def settings_values(database, prefix, cache):
    values = base_settings(database)
    values["ROOT_URLCONF"] = "benchmarks.cookie_banner"
    if cache == "redis":
        values["CACHES"] = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": prefix,
            }
        }
    else:
        values["CACHES"] = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "cookie-banner-benchmark",
            },
            # The Redis rows' backend, made the default for them (see use_cache).
            "redis": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": prefix,
            },
        }
    return values


def configure(database, prefix):
    setup_django(settings_values(database, prefix, "locmem"))


def page_view(request, name):
    from django.shortcuts import render

    return render(request, f"bench/{name}.html", {"items": range(12)})


def __getattr__(name):
    """``urlpatterns`` (``ROOT_URLCONF`` is this module), built lazily."""
    if name != "urlpatterns":
        raise AttributeError(name)
    from django.urls import path

    from tests.urls import urlpatterns

    pages = [path(url.strip("/") + "/", page_view, {"name": key}) for key, url in PAGES.items()]
    return [*pages, *urlpatterns]


def install_templates():
    """The two pages as templates of the default engine (a loader in front of the others)."""
    from django.template import engines
    from django.template.loaders.cached import Loader

    engine = engines["django"].engine
    templates = {f"bench/{key}.html": source for key, source in SOURCES.items()}
    # Compiled once, as Django's cached loader keeps a site's templates.
    loader = Loader(engine, [("django.template.loaders.locmem.Loader", templates)])
    engine.template_loaders.insert(0, loader)


def use_cache(alias):
    """Make the default cache (``django.core.cache.cache``) the backend configured as ``alias``."""
    from django.core.cache import caches

    caches["default"] = caches[alias]


def redis_answers():
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        return True
    except Exception:  # no driver, no server: the Redis rows are left out
        return False


# --- Data and visitors --------------------------------------------------------------------


def build():
    from django.contrib.auth import get_user_model
    from wagtail.models import Locale

    from tests.cookies.helpers import make_categories

    locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in ("en", "sl")}
    make_categories(locales)
    return get_user_model().objects.create_user("customer", "customer@example.com", "pw")


def visitors(customer):
    """{name: test client}: a newcomer, a visitor with choices, a signed-in customer."""
    from django.test import Client

    def chosen(client):
        body = {"choices": {"statistics": True, "marketing": False}}
        response = client.put(API, body, content_type="application/json")
        assert response.status_code == 200, response.content
        return client

    signed_in = Client()
    signed_in.force_login(customer)
    return {
        "newcomer": Client(),
        "visitor with choices": chosen(Client()),
        "signed-in customer": chosen(signed_in),
    }


def check_pages(clients):
    """Both pages answer 200; the page with the banner runs what the choices allow."""
    for name, client in clients.items():
        pages = {key: client.get(url) for key, url in PAGES.items()}
        for key, response in pages.items():
            assert response.status_code == 200, (name, key, response.status_code)
        html = pages["with"].content.decode()
        assert "data-privacy-cookies" in html, name
        allowed = running("statistics") in html
        assert allowed == (name != "newcomer"), (name, allowed)
        assert running("marketing") not in html


# --- Measurement --------------------------------------------------------------------------


class CacheCalls:
    """Counts calls of the cache backends' public methods (one call, one round trip to Redis)."""

    def __enter__(self):
        from django.core.cache.backends.base import BaseCache
        from django.core.cache.backends.locmem import LocMemCache
        from django.core.cache.backends.redis import RedisCache

        self.count = 0
        self.depth = [0]
        self.saved = []
        names = [
            n
            for n, value in vars(BaseCache).items()
            if callable(value) and not n.startswith("_") and n not in CACHE_HELPERS
        ]
        for cls in (LocMemCache, RedisCache):
            for name in names:
                self.saved.append((cls, name, cls.__dict__.get(name)))
                setattr(cls, name, self._spy(getattr(cls, name)))
        return self

    def _spy(self, original):
        depth = self.depth

        def spy(cache, *args, **kwargs):
            # Only the outer call: LocMemCache.get_many() calls get() once per key, in memory.
            if not depth[0]:
                self.count += 1
            depth[0] += 1
            try:
                return original(cache, *args, **kwargs)
            finally:
                depth[0] -= 1

        return spy

    def __exit__(self, *exc):
        for cls, name, value in reversed(self.saved):
            if value is None:
                delattr(cls, name)
            else:
                setattr(cls, name, value)


def counted(client, url, count):
    from django.db import connection

    queries = QueryCounter()
    with CacheCalls() as calls, connection.execute_wrapper(queries):
        for _ in range(count):
            response = client.get(url)
            assert response.status_code == 200, response.status_code
    return {"queries": queries.count / count, "cache": calls.count / count}


def timed(client, url, seconds):
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(10):
            client.get(url)
        count += 10
        now = time.perf_counter()
        if now >= deadline:
            return (now - start) / count * 1e6


def measure(client, args):
    for _ in range(20):  # the steady state: rules and choices cached, sessions warm
        for url in PAGES.values():
            client.get(url)
    row = {key: counted(client, url, args.count) for key, url in PAGES.items()}
    rounds = {key: [] for key in PAGES}
    for index in range(args.rounds):
        order = list(PAGES) if index % 2 == 0 else list(reversed(PAGES))
        for key in order:
            rounds[key].append(timed(client, PAGES[key], args.seconds))
    for key in PAGES:
        row[key]["us"] = statistics.median(rounds[key])
    pairs = zip(rounds["with"], rounds["without"], strict=True)
    row["added"] = statistics.median(with_ - without for with_, without in pairs)
    return row


def round_trip(count=2000):
    """µs of one ``get_many`` of two cached keys (what the banner's round trip asks)."""
    from django.core.cache import cache

    cache.set_many({"bench-a": {"x": 1}, "bench-b": {"y": 2}})
    start = time.perf_counter()
    for _ in range(count):
        cache.get_many(["bench-a", "bench-b"])
    return (time.perf_counter() - start) / count * 1e6


# --- Report -------------------------------------------------------------------------------


def report(results, trips):
    print()
    header = (
        f"{'cache':<7} {'visitor':<22} {'page':<8} {'us/req':>8} {'queries':>8} "
        f"{'cache calls':>12} {'+us':>7} {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    for (cache, visitor), row in results:
        for key in PAGES:
            figures = row[key]
            extra = ""
            if key == "with":
                ratio = figures["us"] / row["without"]["us"]
                extra = f" {row['added']:>7.0f} {ratio:>5.2f}x"
            print(
                f"{cache:<7} {visitor:<22} {key:<8} {figures['us']:>8.0f} "
                f"{figures['queries']:>8.2f} {figures['cache']:>12.2f}{extra}"
            )
    print()
    print("Added by the banner, per request (with - without):")
    worst_queries = max(row["with"]["queries"] - row["without"]["queries"] for _, row in results)
    worst_cache = max(row["with"]["cache"] - row["without"]["cache"] for _, row in results)
    print(f"  queries: {worst_queries:+.2f} at most (target 0)")
    print(f"  cache round trips: {worst_cache:+.2f} at most (target at most 1)")
    for cache, us in trips.items():
        print(f"  one round trip ({cache}, get_many of 2 keys) alone: {us:.0f} us")
    return worst_queries <= 0 and worst_cache <= 1


# --- Main ---------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200, help="requests of the counted pass")
    parser.add_argument("--rounds", type=int, default=10, help="timed rounds per page")
    parser.add_argument("--seconds", type=float, default=0.5, help="seconds per timed round")
    parser.add_argument("--no-redis", action="store_true", help="LocMemCache only")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.rounds < 1 or args.count < 1:
        raise SystemExit("--rounds and --count must be positive")
    total_start = time.perf_counter()
    prefix = f"cookiebench-{uuid.uuid4().hex[:10]}"
    caches_to_measure = ["locmem"]
    if not args.no_redis:
        if redis_answers():
            caches_to_measure.append("redis")
        else:
            print(f"Redis at {REDIS_URL} does not answer: LocMemCache only")
    with run_database(configure, prefix) as database:
        install_templates()
        print(f"{versions_text()}; caches: {', '.join(caches_to_measure)}", flush=True)
        customer = build()
        results, trips = [], {}
        for cache in caches_to_measure:
            if cache == "redis":
                use_cache("redis")
            try:
                clear_cache()
                clients = visitors(customer)
                check_pages(clients)
                for name, client in clients.items():
                    print(f"Measuring {cache}, {name}...", flush=True)
                    results.append(((cache, name), measure(client, args)))
                trips[cache] = round_trip()
            finally:
                if cache == "redis":
                    clear_cache()
        ok = report(results, trips)
        print(f"\nDatabase: {database.description}")
    print_total_time(total_start)
    if not ok:
        raise SystemExit("The banner added queries or more than one cache round trip.")


if __name__ == "__main__":
    main()
