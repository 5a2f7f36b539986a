r"""Benchmark of the public policy page and API against Wagtail's API v2, in-process.

Run from the repository root::

    .venv/bin/python benchmarks/policy_api.py [--requests 300] [--versions 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/policy_api.py

The database is always a fresh one made for the run: a temporary SQLite file by default, or,
with ``DATABASE_URL``, a dedicated database created on that server and dropped afterwards
(the database named in the URL is only used to connect; its data is never touched).

Two policies are built, one with 1 version and one with ``--versions`` (200), each in four
languages. Every row is measured for both, so that what a long history costs shows as a
ratio within one run: the policy page (HTML, as Wagtail serves the ``PolicyPage``), the
history pages (HTML and API), the API's detail, one version in full and the list.

The baseline is Wagtail's API v2 detail of the same page (``/api/v2/pages/{id}/``) asked for
fields comparable to what the privacy detail returns, with ``?fields=_,id,title,slug,locale,
html_url,kind,requires_acceptance,policy_versions,body``: the page's identity (title, slug,
locale, its public URL), the policy's own fields (``kind``, ``requires_acceptance``), its
current and upcoming version (``policy_versions``) and the text-bearing content (``body``,
the StreamField; the privacy detail carries the titles and summaries of the latest versions).
Without ``fields`` Wagtail's detail also serialises every meta field (``parent``, which costs a
query, ``alias_of``, ``seo_title``, ``search_description``, ``show_in_menus``,
``first_published_at``...) that the privacy detail has no counterpart for; leaving them out
compares like with like.
"""

import argparse
import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.support import (  # noqa: E402
    TASKS_BACKEND,
    TimedRounds,
    analyze,
    base_settings,
    percentile,
    print_total_time,
    run_database,
    setup_django,
    versions_text,
)

LANGUAGES = ("en", "sl", "sq", "hr")
TRANSLATIONS = ("sl", "sq", "hr")
READER = "sl"
PRIVACY_API = "/api/privacy/v1"
WAGTAIL_API = "/api/v2"
#: The Wagtail API v2 fields comparable to the privacy detail's (see the module's docstring).
V2_FIELDS = "_,id,title,slug,locale,html_url,kind,requires_acceptance,policy_versions,body"


# --- Django setup -------------------------------------------------------------------------


def configure(database):
    """Configure Django from ``tests.settings`` with ``database`` as the default database."""
    setup_django(base_settings(database))


# --- Data ---------------------------------------------------------------------------------


def body(number, language):
    return [
        {"type": "heading", "value": f"Version {number} ({language})"},
        {"type": "paragraph", "value": f"<p>We keep your orders. Revision {number}.</p>"},
        {"type": "paragraph", "value": "<p>We keep invoices for ten years, as the law asks.</p>"},
        {"type": "paragraph", "value": "<p>You may ask for a copy of your data at any time.</p>"},
    ]


class PolicyBuilder:
    """Creates a policy page with ``count`` versions, each in the four languages.

    ``mode="publish"`` publishes every revision the way an editor does (Wagtail's publish
    machinery, whose ``page_published`` signal records the version). ``mode="service"`` saves
    the same revisions and records them with ``record_publication`` without publishing the
    page each time, which is faster; the resulting policy records are the same.
    """

    def __init__(self, home, mode):
        from wagtail.models import Locale

        self.home = home
        self.mode = mode
        self.locales = {code: Locale.objects.get(language_code=code) for code in LANGUAGES}

    def _commit(self, page):
        from wagtail_privacy.policies.services import record_publication

        revision = page.save_revision()
        if self.mode == "publish":
            revision.publish()
        else:
            record_publication(page, revision)

    def build(self, slug, title, count):
        from wagtail_privacy.policies.pages import PolicyPage

        page = PolicyPage(title=title, slug=slug, body=body(0, "en"), live=False)
        self.home.add_child(instance=page)
        translations = {}
        for number in range(1, count + 1):
            page = PolicyPage.objects.get(pk=page.pk)
            page.change_level = "editorial"
            page.change_summary = f"Changes of version {number}"
            page.effective_at = None
            page.body = body(number, "en")
            self._commit(page)
            for code in TRANSLATIONS:
                if code not in translations:
                    # Published once below, so the translation tree exists for API v2 too.
                    translations[code] = page.copy_for_translation(
                        self.locales[code], copy_parents=True
                    )
                translated = PolicyPage.objects.get(pk=translations[code].pk)
                translated.title = f"{title} [{code}]"
                translated.change_summary = f"Changes of version {number} [{code}]"
                translated.body = body(number, code)
                self._commit(translated)
        if self.mode == "service":
            # Make every language live once, so Wagtail's API v2 can serve the pages.
            for pk in [page.pk] + [t.pk for t in translations.values()]:
                live = PolicyPage.objects.get(pk=pk)
                live.latest_revision.publish()
        pages = {"en": PolicyPage.objects.get(pk=page.pk)}
        pages.update({code: PolicyPage.objects.get(pk=t.pk) for code, t in translations.items()})
        return pages


def build_data(versions, mode):
    from django.db import transaction
    from wagtail.models import Locale, Site

    for code in LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    home = Site.objects.get(is_default_site=True).root_page
    builder = PolicyBuilder(home, mode)
    timings = {}
    policies = {}
    for slug, count in (("policy-one", 1), (f"policy-{versions}", versions)):
        start = time.perf_counter()
        with transaction.atomic():
            policies[count] = {
                "slug": slug,
                "pages": builder.build(slug, f"Policy with {count} versions", count),
            }
        timings[count] = time.perf_counter() - start
    return policies, timings


def check_data(policies):
    from wagtail_privacy.policies.models import Policy

    for count, info in policies.items():
        policy = Policy.objects.get(slug=info["slug"])
        numbers = list(policy.versions.values_list("number", flat=True))
        assert numbers == list(range(1, count + 1)), (info["slug"], numbers[-5:])
        texts = {v.number: v.texts.count() for v in policy.versions.all()}
        assert set(texts.values()) == {len(LANGUAGES)}, (info["slug"], texts)


# --- Measurement --------------------------------------------------------------------------


class Measurement(TimedRounds):
    def __init__(self, label, endpoint, versions, url):
        self.label = label
        self.endpoint = endpoint
        self.versions = versions
        self.url = url
        self.rounds = []  # requests per second of each round
        self.latencies = []  # seconds of each timed request
        self.queries = None
        self.size = None  # bytes of the response body

    @property
    def p50(self):
        return percentile(self.latencies, 0.50)

    @property
    def p99(self):
        return percentile(self.latencies, 0.99)


def prepare(client, measurement, *, warmup, requests, check):
    """Warm ``measurement``'s URL up, check its answer and count its queries per request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = measurement.url
    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}: {response.content[:300]}")
    measurement.size = len(response.content)
    check(response)
    # Queries: counted on separate requests, so capturing them does not slow the timing.
    sample = max(10, min(50, requests // 5))
    with CaptureQueriesContext(connection) as captured:
        for _ in range(sample):
            client.get(url)
    measurement.queries = len(captured.captured_queries) / sample


def time_rounds(client, measurements, *, requests, rounds):
    """Time every URL in ``rounds`` rounds, the URLs taking turns request by request.

    The machine may be shared (other test runs): interleaving single requests makes a burst
    of load slow every row alike, so ratios within the run hold even when the figures move.
    """
    per_round = requests // rounds
    clock = time.perf_counter
    for _ in range(rounds):
        spent = [0.0] * len(measurements)
        gc.collect()
        for _ in range(per_round):
            for index, measurement in enumerate(measurements):
                before = clock()
                client.get(measurement.url)
                elapsed = clock() - before
                measurement.latencies.append(elapsed)
                spent[index] += elapsed
        for measurement, seconds in zip(measurements, spent, strict=True):
            measurement.rounds.append(per_round / seconds)


def _json_check(check):
    def checked(response):
        check(response.json())

    return checked


def run_measurements(policies, args):
    from django.test import Client

    client = Client()
    options = {"requests": args.requests, "warmup": args.warmup}
    results = {}
    counts = sorted(policies)

    def expect_detail(count):
        def check(data):
            assert data.get("history_count", len(data["history"])) == count, data
            assert data["current"]["number"] == count and data["current"]["language"] == READER

        return _json_check(check)

    def expect_history(count):
        def check(data):
            assert data["count"] == count and data["items"][0]["number"] == count, data

        return _json_check(check)

    def expect_version(count):
        def check(data):
            assert data["number"] == count and data["language"] == READER, data
            assert not data["fallback"] and data["body_html"]

        return _json_check(check)

    def expect_v2(count, pk):
        def check(data):
            assert data["id"] == pk and data["meta"]["locale"] == READER, data
            assert data["policy_versions"]["current"]["number"] == count, data
            assert data["body"] and data["title"], data

        return _json_check(check)

    def expect_html(count, page, text=None):
        def check(response):
            html = response.content.decode()
            assert f"{page.url}versions/{count}/" in html, html[-2000:]
            assert text is None or text in html, html[-2000:]

        return check

    def expect_list(response):
        data = response.json()
        assert sorted(p["current"]["number"] for p in data) == counts, data

    for count in counts:
        slug = policies[count]["slug"]
        page = policies[count]["pages"][READER]
        api = f"{PRIVACY_API}/policies/{slug}"
        rows = {
            "page": (
                "policy page (HTML)",
                f"<policy page>/  ({READER} page)",
                page.url,
                expect_html(count, page, f"Revision {count}."),
            ),
            "detail": (
                "privacy detail",
                f"{PRIVACY_API}/policies/{{slug}}/?locale={READER}",
                f"{api}/?locale={READER}",
                expect_detail(count),
            ),
            "v2": (
                "wagtail v2 detail",
                f"{WAGTAIL_API}/pages/{{id}}/?fields=...  ({READER} page)",
                f"{WAGTAIL_API}/pages/{page.pk}/?fields={V2_FIELDS}",
                expect_v2(count, page.pk),
            ),
            "version": (
                "privacy version",
                f"{PRIVACY_API}/policies/{{slug}}/versions/{{n}}/?locale={READER}",
                f"{api}/versions/{count}/?locale={READER}",
                expect_version(count),
            ),
        }
        if not args.no_history:
            rows["history_page"] = (
                "history page (HTML)",
                f"<policy page>/history/  ({READER} page)",
                f"{page.url}history/",
                expect_html(count, page),
            )
            rows["history"] = (
                "privacy history",
                f"{PRIVACY_API}/policies/{{slug}}/versions/?locale={READER}",
                f"{api}/versions/?locale={READER}",
                expect_history(count),
            )
        for key, (label, endpoint, url, check) in rows.items():
            results[key, count] = Measurement(label, endpoint, count, url)
            prepare(client, results[key, count], check=check, **options)
    url = f"{PRIVACY_API}/policies/?locale={READER}"
    results["list", None] = Measurement("privacy list", url, f"1 + {counts[-1]}", url)
    prepare(client, results["list", None], check=expect_list, **options)
    time_rounds(client, list(results.values()), requests=args.requests, rounds=args.rounds)
    return results


# --- Report -------------------------------------------------------------------------------

#: Rows whose time with many versions should stay within 1.2x of their time with one.
FLAT_TARGET = 1.2
#: The privacy detail should take at most this times the Wagtail API v2 detail.
V2_TARGET = 1.0


def _ms(value):
    return "-" if value is None else f"{value * 1000:.2f}"


def report(results, policies, timings, args, database, mode, total_start):
    counts = sorted(policies)
    few, many = counts[0], counts[-1]
    print()
    print("wagtail-privacy policy page and API benchmark (Django test Client, in-process)")
    print(f"  database : {database.description}")
    print(f"  versions : {versions_text()}")
    print(
        f"  load     : {args.requests // args.rounds * args.rounds} timed requests per row in "
        f"{args.rounds} rounds, the rows taking turns request by request, after "
        f"{args.warmup} warm-up requests; reader locale {READER}"
    )
    build = (
        "real publishing (revision.publish())"
        if mode == "publish"
        else ("saved revisions recorded with services.record_publication()")
    )
    print(f"  data     : built by {build}; tasks enqueued, not run ({TASKS_BACKEND})")
    for count in counts:
        print(
            f"             {policies[count]['slug']}: {count} version(s) x {len(LANGUAGES)} "
            f"languages = {count * len(LANGUAGES)} publications in {timings[count]:.1f} s"
        )
    print(f"  baseline : {WAGTAIL_API}/pages/{{id}}/?fields={V2_FIELDS}")
    print()
    header = (
        f"{'endpoint':<58} {'versions':>8} {'req/s':>7} {'ms/req':>7} {'p50 ms':>7} "
        f"{'p99 ms':>7} {'rsd':>5} {'queries':>7} {'KB':>7}"
    )
    print(header)
    print("-" * len(header))
    for m in results.values():
        print(
            f"{m.endpoint:<58} {m.versions!s:>8} {m.rps:>7.0f} {1000 / m.rps:>7.2f} "
            f"{_ms(m.p50):>7} {_ms(m.p99):>7} {m.rsd:>4.0f}% {m.queries:>7.1f} "
            f"{m.size / 1000:>7.1f}"
        )
    print()
    print(
        f"req/s is the median of {args.rounds} rounds (ms/req its inverse); p50/p99 are of "
        "every timed request; rsd is the relative standard deviation of the rounds; KB is the "
        "response body (1000 bytes)."
    )
    print()
    print(
        f"Time per request, {many} versions / {few} (target <= {FLAT_TARGET}x for the page "
        "and the detail; lower is better):"
    )
    for key in ("page", "detail", "version", "history_page", "history", "v2"):
        if (key, many) not in results:
            continue
        ratio = results[key, few].rps / results[key, many].rps
        label = results[key, many].label
        print(f"  {label:<38} {ratio:5.2f}x")
    print()
    print(f"Time per request, privacy detail / Wagtail API v2 detail (target <= {V2_TARGET}x):")
    for count in counts:
        ratio = results["v2", count].rps / results["detail", count].rps
        print(f"  {count:>4} version(s)                        {ratio:5.2f}x")
    print()
    print_total_time(total_start)


# --- Main ---------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--requests", type=int, default=300, help="timed requests per row (default 300)"
    )
    parser.add_argument("--warmup", type=int, default=30, help="warm-up requests per row")
    parser.add_argument("--rounds", type=int, default=10, help="timing rounds per row")
    parser.add_argument(
        "--versions", type=int, default=200, help="versions of the large policy (default 200)"
    )
    parser.add_argument(
        "--build",
        choices=("publish", "service"),
        default="publish",
        help="create versions by real publishing (default) or through record_publication",
    )
    parser.add_argument(
        "--no-history",
        action="store_true",
        help="leave out the history pages (HTML and API), e.g. to measure a version without them",
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.versions < 2:
        raise SystemExit("--versions must be at least 2")
    if args.rounds < 2 or args.requests < args.rounds:
        raise SystemExit("--rounds must be at least 2 and at most --requests")
    total_start = time.perf_counter()
    with run_database(configure) as database:
        print(f"Building data ({args.build})...", flush=True)
        policies, timings = build_data(args.versions, args.build)
        check_data(policies)
        analyze()
        print("Measuring...", flush=True)
        results = run_measurements(policies, args)
        report(results, policies, timings, args, database, args.build, total_start)


if __name__ == "__main__":
    main()
