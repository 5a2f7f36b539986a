r"""Benchmark of policy PDFs: first render vs. cached download vs. 304, and render memory.

Run from the repository root::

    .venv/bin/python benchmarks/pdf_render.py [--downloads 200] [--renders 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/pdf_render.py

What it does, in-process with Django's test ``Client``:

* a fresh database (a temporary SQLite file, or with ``DATABASE_URL`` a dedicated database
  created on that server and dropped afterwards, as ``benchmarks/policy_api.py`` does) and a
  temporary ``MEDIA_ROOT`` (``FileSystemStorage``), both removed at the end;
* a long policy generated programmatically (many sections of varied privacy-policy prose,
  lists, two tables, letters such as č š ž ć đ ë ç), sized so that its PDF has 28-32 A4
  pages (checked with pypdf), then published as an editor does (``revision.publish()``);
  the background PDF task is enqueued, not run, so the first request finds no PDF;
* measured: (1) the first render through ``GET /api/privacy/v1/policies/{slug}/versions/1/pdf/``
  (render + storage write + streamed body read), three times by default, deleting the
  ``PolicyVersionPdf`` row and the stored file in between; the process is already warm
  (imports, fonts) from sizing the policy; (2) the same GET once the PDF is stored, body read
  in full, and (3) the same GET with ``If-None-Match`` answered 304, 200 of each, interleaved;
  (4) the memory of one ``render_pdf()`` call: the ``tracemalloc`` peak of Python allocations
  in this (warm) process, and the increase of max RSS (``resource.getrusage``) over a render
  in a fresh subprocess, which also shows how long a render takes in a cold process. On Linux
  a child inherits its parent's ``ru_maxrss``, so that subprocess is started first thing,
  while this process is still small, and waits for its work.

It prints a table (min, median, p95 in ms and req/s) and the ratios of the medians. About one
minute on a 2-core machine, most of it in the renders (one under ``tracemalloc``, which is
several times slower).

Database connections are persistent (``CONN_MAX_AGE=None``, as with a pool in production);
``--connection-per-request`` sets ``CONN_MAX_AGE=0``, as ``benchmarks/policy_api.py`` does,
which on PostgreSQL adds a connection set-up (~10 ms here) to every request.

``--keep-pdf PATH`` copies the rendered PDF to PATH (e.g. to look at it with ``pdftoppm``).
"""

import argparse
import gc
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.support import (  # noqa: E402
    BenchmarkDatabase,
    base_settings,
    create_and_migrate,
    print_total_time,
    proc_status_or_none,
    setup_django,
    start_waiting_child,
    versions_text,
)

SLUG = "privacy-policy"
TITLE = "Privacy policy of Lipa & Co."
PDF_URL = f"/api/privacy/v1/policies/{SLUG}/versions/1/pdf/"
PAGES = (28, 32)
TARGET_PAGES = 30
DEFAULT_PURPOSES = 30
SHOP_NAME = "Lipa & Co. — Čajnica Šiška"
CONTROLLER_NAME = "Lipa Žalec d.o.o."
SUMMARY = "Complete rewrite: new processors, retention periods and rights explained in detail."


# --- Django setup -------------------------------------------------------------------------


def configure(database, media_root):
    """Configure Django from ``tests.settings`` with ``database`` and a filesystem storage."""
    # Publishing enqueues the PDF render for a worker; base_settings leaves it queued so that
    # the first request is the one that renders.
    values = base_settings(database)
    values["MEDIA_ROOT"] = str(media_root)
    values["STORAGES"] = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    values["WAGTAIL_PRIVACY"] = {"SHOP_NAME": SHOP_NAME, "CONTROLLER_NAME": CONTROLLER_NAME}
    setup_django(values)


# --- The policy text ----------------------------------------------------------------------

# Sections at the start and the end: (heading, topic of generated sentences or None, fixed HTML).
OPENING = [
    (
        "Who we are and how to reach us",
        "your contact with us",
        "<p>The controller of your personal data is Lipa Žalec d.o.o., Savinjska cesta 12, "
        "3310 Žalec, Slovenija, registration number 8123456000, which runs the shop Lipa &amp; "
        "Co. — Čajnica Šiška online and in its shops in Ljubljana, Celje and Đakovo.</p>"
        "<p>You can write to us at zasebnost@lipa.example, call +386 3 712 45 67 on working "
        "days between 8:00 and 16:00, or send a letter to the address above.</p>",
    ),
    (
        "Our data protection officer",
        "your questions about data protection",
        "<p>We have appointed a data protection officer, Mojca Kočevar Đukić, who advises us "
        "and whom you may contact directly about anything in this policy: dpo@lipa.example, or "
        "by post to our address with the note “Za pooblaščeno osebo”.</p>",
    ),
    (
        "Words used in this policy",
        None,
        "<p>In this policy the words below have the meaning that the General Data Protection "
        "Regulation (GDPR) gives them:</p><ul>"
        "<li><b>Personal data</b> is any information about you by which you can be identified, "
        "directly or together with other information;</li>"
        "<li><b>Processing</b> is anything done with personal data, such as collecting, "
        "storing, using, sending or deleting it;</li>"
        "<li><b>Controller</b> is who decides why and how personal data are processed — here "
        "Lipa Žalec d.o.o.;</li>"
        "<li><b>Processor</b> is a company that processes personal data on our behalf and on "
        "our instructions;</li>"
        "<li><b>Consent</b> is your freely given, specific, informed and unambiguous "
        "agreement, which you may withdraw at any time.</li></ul>"
        "<p>“We” and “us” mean Lipa Žalec d.o.o.; “you” means every customer, visitor or "
        "other person whose data we process.</p>",
    ),
]
PURPOSES = [
    ("Orders in the online shop", "your order"),
    ("Delivery of parcels", "the delivery of your parcel"),
    ("Payments and refunds", "your payment"),
    ("Your customer account", "your customer account"),
    ("Returns, complaints and warranty claims", "your complaint"),
    ("Customer support by e-mail, telephone and chat", "your enquiry"),
    ("The newsletter", "the newsletter"),
    ("Personalised offers", "personalised offers"),
    ("The loyalty programme Lipa Club", "your loyalty membership"),
    ("Product reviews and ratings", "your review"),
    ("Gift cards and vouchers", "your gift card"),
    ("Prize games and competitions", "the competition"),
    ("Events and tastings in our shops", "your registration for an event"),
    ("Video surveillance of our shops and warehouse", "video surveillance"),
    ("Job applications", "your application"),
    ("Business customers and wholesale", "the business relationship"),
    ("Suppliers and partners", "our cooperation"),
    ("Fraud prevention and payment security", "fraud prevention"),
    ("Security logs of the website", "the security of the website"),
    ("Statistics and analytics", "statistics about the use of the shop"),
    ("Cookies and similar technologies", "cookies"),
    ("Our pages on social networks", "our social media pages"),
    ("Surveys about customer satisfaction", "the survey"),
    ("Accounting and tax records", "accounting"),
    ("Legal claims and disputes", "the claim"),
    ("Requests from public authorities", "the request of an authority"),
    ("Recordings of telephone calls", "call recordings"),
    ("Click and collect in our shops", "the collection of your order"),
    ("Subscriptions to regular deliveries", "your subscription"),
    ("Wish lists and shared baskets", "your wish list"),
    ("Pre-orders and notifications of stock", "your stock notification"),
    ("Corporate gifts and bulk orders", "the bulk order"),
    ("Our mobile application", "the mobile application"),
    ("Push notifications", "push notifications"),
    ("Affiliate partners and influencers", "the affiliate programme"),
    ("Donations to the Lipa Foundation", "your donation"),
    ("Internal audits and quality control", "quality control"),
    ("Transfers of the business", "a transfer of the business"),
]
CLOSING = [
    (
        "How long we keep your data",
        "archiving",
        "<p>We keep personal data only for as long as we need them for the purpose for which "
        "we collected them, or as long as the law requires. The table shows the main "
        "periods.</p>",
    ),
    (
        "Who receives your data",
        "the work of our processors",
        "<p>We share personal data only with the recipients below, each bound by a contract "
        "that obliges it to keep the data confidential and secure.</p>",
    ),
    (
        "Transfers outside the European Economic Area",
        "transfers outside the EEA",
        "<p>Our backup provider stores encrypted copies in Tiranë, Shqipëri. The transfer is "
        "based on the standard contractual clauses adopted by the European Commission; you "
        "may ask us for a copy of them.</p>",
    ),
    (
        "How we protect your data",
        "the security of your data",
        "<p>We protect personal data with technical and organisational measures, among "
        "them:</p><ul><li>encrypted connections (TLS) on every page of the shop;</li>"
        "<li>encryption of databases and backups;</li><li>two-factor authentication for "
        "every employee account;</li><li>regular training of employees, and confidentiality "
        "undertakings;</li><li>yearly penetration tests by an independent company.</li></ul>",
    ),
    (
        "Your rights",
        None,
        "<p>Under the GDPR you have the right:</p><ol>"
        "<li>to access your personal data and receive a copy of them (Article 15);</li>"
        "<li>to have inaccurate data corrected (Article 16);</li>"
        "<li>to have your data erased (“right to be forgotten”, Article 17);</li>"
        "<li>to restrict the processing (Article 18);</li>"
        "<li>to receive your data in a structured, machine-readable format (Article 20);</li>"
        "<li>to object to processing based on our legitimate interest or for direct "
        "marketing (Article 21);</li>"
        "<li>to withdraw your consent at any time, without affecting what was done "
        "before.</li></ol>",
    ),
    (
        "How to exercise your rights",
        "your requests",
        "<p>Send your request to zasebnost@lipa.example or by post. We may ask you to confirm "
        "your identity, for example by replying from the e-mail address of your account.</p>",
    ),
    (
        "Complaints to the supervisory authority",
        None,
        "<p>If you believe that we process your data unlawfully, you may lodge a complaint "
        "with the Informacijski pooblaščenec, Dunajska cesta 22, 1000 Ljubljana, "
        "gp.ip@ip-rs.si, or with the supervisory authority of the country where you live or "
        "work, such as the Agencija za zaštitu osobnih podataka in Zagreb.</p>",
    ),
    (
        "Changes to this policy",
        None,
        "<p>We may change this policy when our processing or the law changes. We publish every "
        "version with the date from which it applies; earlier versions remain available. We "
        "announce important changes by e-mail to customers with an account at least ten days "
        "before they take effect.</p>",
    ),
]
CATEGORIES = [
    "your name and surname",
    "your e-mail address",
    "your telephone number",
    "your delivery and billing address",
    "the products you ordered",
    "the date and time of your order",
    "the amount paid and the means of payment",
    "the last four digits of your card",
    "your customer number",
    "your correspondence with us",
    "the IP address of your device",
    "the type and version of your browser",
    "your preferred language",
    "your date of birth",
    "your loyalty points",
    "the pages you visited in our shop",
]
BASES = [
    "the performance of the contract you concluded with us (Article 6(1)(b) GDPR)",
    "your consent, which you may withdraw at any time (Article 6(1)(a) GDPR)",
    "our legal obligations under accounting and tax law (Article 6(1)(c) GDPR)",
    "our legitimate interest in running a safe and efficient shop (Article 6(1)(f) GDPR)",
]
RECIPIENTS = [
    "Pošta Slovenije d.o.o.",
    "Hrvatska pošta d.d.",
    "Šped-Žalec logistika d.o.o.",
    "Đurđevac IT usluge d.o.o.",
    "Ćirković računovodstvo s.p.",
    "Shqiponja Hosting sh.p.k. (Tiranë)",
    "Façade Paiements SAS",
    "Gjergj Mëhilli, odvetnik",
]
PERIODS = [
    "for as long as your account exists",
    "for ten years after the end of the year in which the invoice was issued",
    "until you withdraw your consent",
    "for five years after the warranty has expired",
    "for thirty days, unless an incident is being investigated",
    "for six months after the end of the competition",
    "for two years after your last purchase",
    "until the claim is finally decided",
]
SENTENCES = [
    "For {topic} we process {cat1}, {cat2} and {cat3}.",
    "We need this information because without it we could not take care of {topic}.",
    "The legal basis for this processing is {basis}.",
    "We keep the data {period}; afterwards we delete it or make it anonymous.",
    "Our employees in Ljubljana, Celje and Đakovo see the data only when their work needs it.",
    "Where we use a processor, such as {recipient}, it acts only on our written instructions.",
    "You are not obliged to give us {cat1}, but without it we cannot deal with {topic}.",
    "We do not use the data for {topic} to make decisions that have legal effects on you "
    "without the involvement of a person.",
    "If the data were collected from a third party, such as {recipient}, we tell you so when "
    "we first contact you.",
    "We check at least once a year whether we still need {cat2} for {topic}.",
    "When you ask us about {topic}, we answer within one month, and in complex cases we may "
    "extend this by two further months.",
    "Access to the systems used for {topic} is protected by individual accounts, two-factor "
    "authentication and an audit log.",
    "Some of our colleagues — Žiga, Ćamil, Ërëza, François and Đorđe — work in the team "
    "responsible for {topic}.",
    "If you object to the processing for {topic}, we stop unless we have compelling "
    "legitimate grounds that override your interests.",
    "We never sell {cat3} to anyone, and we share it only as this policy describes.",
    "Backups that contain {cat1} are encrypted and are overwritten after thirty-five days.",
    "Where the law requires it, we carried out a data protection impact assessment for "
    "{topic} and reviewed it with our data protection officer.",
    "You can change {cat2} yourself in your account, or ask us to correct it for you.",
    "Data for {topic} are stored on servers in Slovenia and Croatia, which are in the "
    "European Union.",
    "Our supervisory authority is the Informacijski pooblaščenec, Dunajska cesta 22, "
    "1000 Ljubljana.",
]


class PolicyText:
    """Deterministic, varied privacy-policy prose; ``purposes`` sets its length."""

    def __init__(self, purposes, seed=20240601):
        self.purposes = purposes
        self.rng = random.Random(seed)

    def sentence(self, topic, template):
        rng = self.rng
        cat1, cat2, cat3 = rng.sample(CATEGORIES, 3)
        return template.format(
            topic=topic,
            cat1=cat1,
            cat2=cat2,
            cat3=cat3,
            basis=rng.choice(BASES),
            period=rng.choice(PERIODS),
            recipient=rng.choice(RECIPIENTS),
        )

    def paragraph(self, topic, sentences=None):
        count = sentences or self.rng.randint(3, 6)
        templates = self.rng.sample(SENTENCES, count)
        return "<p>" + " ".join(self.sentence(topic, t) for t in templates) + "</p>"

    def text(self, topic, paragraphs):
        """A rich text block of several paragraphs, sometimes with a sub-heading or a list."""
        html = [self.paragraph(topic) for _ in range(paragraphs)]
        roll = self.rng.random()
        if roll < 0.35:
            items = self.rng.sample(CATEGORIES, self.rng.randint(4, 7))
            tag = self.rng.choice(["ul", "ol"])
            lead = f"<p>For {topic} we use in particular:</p>"
            listing = "".join(f"<li>{item[0].upper()}{item[1:]};</li>" for item in items)
            html.insert(1, f"{lead}<{tag}>{listing}</{tag}>")
        elif roll < 0.55:
            html.insert(1, f"<h3>How we handle {topic} in practice</h3>")
        return "".join(html)

    def sections(self):
        """(numbered heading, topic, fixed HTML) of every section."""
        purposes = [(*self.purpose(index), "") for index in range(self.purposes)]
        sections = OPENING + purposes + CLOSING
        return [
            (f"{n}. {title}", topic, html) for n, (title, topic, html) in enumerate(sections, 1)
        ]

    def blocks(self):
        rng = self.rng
        blocks = []
        for heading, topic, html in self.sections():
            blocks.append({"type": "heading", "value": heading})
            if html:
                blocks.append({"type": "paragraph", "value": html})
            if heading.endswith(CLOSING[0][0]):
                blocks.append({"type": "table", "value": self.retention_table()})
            elif heading.endswith(CLOSING[1][0]):
                blocks.append({"type": "table", "value": self.recipients_table()})
            if topic is None:
                continue
            for _ in range(1 if html else rng.randint(1, 2)):
                blocks.append({"type": "paragraph", "value": self.text(topic, rng.randint(2, 3))})
        return blocks

    def purpose(self, index):
        title, topic = PURPOSES[index % len(PURPOSES)]
        if index >= len(PURPOSES):
            return f"{title} (partner shops)", f"{topic} in partner shops"
        return title, topic

    def retention_table(self):
        rows = [["Purpose", "Data", "Kept"]]
        for index in range(min(self.purposes, 14)):
            title, _topic = self.purpose(index)
            rows.append(
                [title, ", ".join(self.rng.sample(CATEGORIES, 2)), self.rng.choice(PERIODS)]
            )
        return _table(rows)

    def recipients_table(self):
        rows = [["Recipient", "Country", "What they do for us"]]
        countries = [
            "Slovenija",
            "Hrvatska",
            "Slovenija",
            "Hrvatska",
            "Slovenija",
            "Shqipëri",
            "France",
            "Slovenija",
        ]
        tasks = [
            "parcel delivery",
            "parcel delivery in Croatia",
            "warehousing and shipping",
            "hosting and maintenance",
            "accounting and payroll",
            "backup hosting",
            "card payments",
            "legal advice",
        ]
        for recipient, country, task in zip(RECIPIENTS, countries, tasks, strict=True):
            rows.append([recipient, country, task])
        return _table(rows)


def _table(rows):
    return {
        "data": rows,
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_header_choice": "row",
        "table_caption": "",
    }


# --- Building the policy ------------------------------------------------------------------


def page_count(data):
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def draft_document(blocks):
    """The document publishing ``blocks`` now would give, without saving anything."""
    from django.utils import timezone

    from wagtail_privacy.policies.pages import PolicyPage
    from wagtail_privacy.policies.pdf import PdfDocument
    from wagtail_privacy.policies.snapshot import render_body

    page = PolicyPage(title=TITLE, slug=SLUG, body=blocks)
    return PdfDocument(
        slug=SLUG,
        title=TITLE,
        body_html=render_body(page),
        language="en",
        number=1,
        effective_at=timezone.now(),
        change_summary=SUMMARY,
    )


def calibrate(purposes):
    """Find the number of purpose sections whose PDF has 28-32 pages.

    Renders the draft (the same HTML publishing freezes) and adjusts by the measured pages
    per section. The first render also warms the process up (imports, fonts).
    """
    from wagtail_privacy.policies.pdf import render_pdf

    tried = {}
    renders = []
    while True:
        blocks = PolicyText(purposes).blocks()
        start = time.perf_counter()
        data = render_pdf(draft_document(blocks))
        renders.append(time.perf_counter() - start)
        pages = tried[purposes] = page_count(data)
        print(f"  {purposes} purpose sections -> {pages} pages ({renders[-1]:.1f} s)", flush=True)
        if PAGES[0] <= pages <= PAGES[1]:
            return purposes, blocks, renders
        if len(tried) >= 6:
            raise SystemExit(f"Could not size the policy to {PAGES} pages: {tried}")
        counts = sorted(tried)
        if len(counts) >= 2 and tried[counts[-1]] != tried[counts[0]]:
            per_section = (tried[counts[-1]] - tried[counts[0]]) / (counts[-1] - counts[0])
        else:
            per_section = 0.6
        step = round((TARGET_PAGES - pages) / per_section) or (1 if pages < PAGES[0] else -1)
        purposes = max(1, purposes + step)
        while purposes in tried:
            purposes += 1 if pages < PAGES[0] else -1


def publish(blocks):
    """Publish ``blocks`` as an editor does; return the recorded version text."""
    from django.db import transaction
    from wagtail.models import Locale, Site

    from tests.factories import PolicyFactory
    from wagtail_privacy.policies.models import PolicyVersionPdf, PolicyVersionText
    from wagtail_privacy.policies.pages import PolicyPage

    Locale.objects.get_or_create(language_code="en")
    home = Site.objects.get(is_default_site=True).root_page
    start = time.perf_counter()
    with transaction.atomic():
        page = PolicyPage(title=TITLE, slug=SLUG, body=blocks, live=False)
        home.add_child(instance=page)
        PolicyFactory(home).publish(page, level="editorial", summary=SUMMARY)
    elapsed = time.perf_counter() - start
    text = PolicyVersionText.objects.select_related("version__policy", "locale").get()
    assert text.version.number == 1 and text.version.policy.slug == SLUG
    assert not PolicyVersionPdf.objects.exists(), "the PDF task ran at publication"
    return text, elapsed


# --- Measurement --------------------------------------------------------------------------


class Timing:
    def __init__(self, label, seconds):
        self.label = label
        self.seconds = seconds

    @property
    def median(self):
        return statistics.median(self.seconds)

    @property
    def p95(self):
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def rps(self):
        return len(self.seconds) / sum(self.seconds)


def get(client, **headers):
    """GET the PDF URL and read the whole body; return (response, body, seconds)."""
    start = time.perf_counter()
    response = client.get(PDF_URL, headers=headers)
    if response.streaming:
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    response.close()
    return response, body, time.perf_counter() - start


def forget_pdf():
    """Delete the stored PDF, row and file, so the next request renders again."""
    from wagtail_privacy.policies.models import PolicyVersionPdf
    from wagtail_privacy.policies.pdf import _storage

    record = PolicyVersionPdf.objects.get()
    _storage().delete(record.file)
    assert not _storage().exists(record.file)
    record.delete()


def measure_first_renders(client, renders):
    from wagtail_privacy.policies.models import PolicyVersionPdf
    from wagtail_privacy.policies.pdf import _storage

    seconds = []
    body = None
    for index in range(renders):
        if index:
            forget_pdf()
        assert not PolicyVersionPdf.objects.exists()
        gc.collect()
        response, body, elapsed = get(client)
        if response.status_code != 200:
            raise SystemExit(f"GET {PDF_URL} answered {response.status_code}: {body[:300]}")
        record = PolicyVersionPdf.objects.get()
        assert record.rendered_at and _storage().exists(record.file) and record.size == len(body)
        seconds.append(elapsed)
    return Timing("first render (GET, no PDF stored)", seconds), body


def measure_cached(client, requests, warmup):
    from wagtail_privacy.policies.models import PolicyVersionPdf

    record = PolicyVersionPdf.objects.get()
    for _ in range(warmup):
        response, body, _elapsed = get(client)
        assert response.status_code == 200 and len(body) == record.size
    etag = response["ETag"]
    for _ in range(warmup):
        get(client, if_none_match=etag)
    # Interleaved, so that drift (other load, CPU clock) affects both rows alike.
    downloads, not_modified = [], []
    gc.collect()
    for _ in range(requests):
        response, body, elapsed = get(client)
        assert response.status_code == 200 and len(body) == record.size
        downloads.append(elapsed)
        response, body, elapsed = get(client, if_none_match=etag)
        assert response.status_code == 304 and not body
        not_modified.append(elapsed)
    return (
        Timing("cached download (GET 200, body read)", downloads),
        Timing("not modified (GET, If-None-Match: 304)", not_modified),
    )


def measure_tracemalloc(text):
    from wagtail_privacy.policies.pdf import PdfDocument, render_pdf

    document = PdfDocument.of_text(text)
    gc.collect()
    tracemalloc.start()
    start = time.perf_counter()
    data = render_pdf(document)
    elapsed = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, elapsed, len(data)


def start_child():
    """Start the memory subprocess now, while this process is still small.

    On Linux a child inherits its parent's max RSS (``ru_maxrss``) through fork and exec, so
    a child started after the renders here would report this process's peak, not its own.
    The child waits for its work on stdin.
    """
    return start_waiting_child(__file__, "--child")


def measure_rss_in_subprocess(process, database, media_root, text_pk):
    """Have the waiting subprocess render once in a fresh interpreter; return its figures."""
    payload = json.dumps({"database": database, "media_root": str(media_root), "text": text_pk})
    try:
        stdout, stderr = process.communicate(payload, timeout=180)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        print("  (memory subprocess timed out)")
        return None
    if process.returncode != 0:
        print(f"  (memory subprocess failed: {stderr.strip()[-500:]})")
        return None
    return json.loads(stdout.strip().splitlines()[-1])


def _vm_hwm():
    """Peak RSS of this process's own address space in KiB (Linux), or None."""
    hwm = proc_status_or_none("VmHWM")
    return None if hwm is None else hwm // 1024


def child(payload):
    """In the subprocess: max RSS (KiB on Linux) around two renders of the stored text."""

    def max_rss():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    inherited = max_rss()
    configure(payload["database"], payload["media_root"])
    import weasyprint  # noqa: F401 - imported before the baseline, like a warm worker

    from wagtail_privacy.policies.models import PolicyVersionText
    from wagtail_privacy.policies.pdf import PdfDocument, render_pdf

    text = PolicyVersionText.objects.select_related("version__policy", "locale").get(
        pk=payload["text"]
    )
    document = PdfDocument.of_text(text)
    gc.collect()
    result = {"inherited": inherited, "baseline": max_rss(), "hwm_baseline": _vm_hwm()}
    start = time.perf_counter()
    render_pdf(document)
    result["first_seconds"] = time.perf_counter() - start
    result["after_first"] = max_rss()
    result["hwm_after_first"] = _vm_hwm()
    start = time.perf_counter()
    render_pdf(document)
    result["second_seconds"] = time.perf_counter() - start
    result["after_second"] = max_rss()
    result["hwm_after_second"] = _vm_hwm()
    print(json.dumps(result))


# --- Report -------------------------------------------------------------------------------


def describe(blocks, data):
    from django.utils.html import strip_tags

    headings = sum(block["type"] == "heading" for block in blocks)
    tables = sum(block["type"] == "table" for block in blocks)
    html = "".join(b["value"] for b in blocks if b["type"] == "paragraph")
    words = len(strip_tags(html).split())
    lists = html.count("<ul>") + html.count("<ol>")
    return (
        f"{headings} sections, {len(blocks) - headings - tables} text blocks, {lists} lists, "
        f"{tables} tables, {words} words; PDF {page_count(data)} A4 pages, "
        f"{len(data) / 1024:.0f} KiB"
    )


def report(database, description, publish_seconds, first, cached, memory, rss, start):
    import weasyprint

    mib = 1024 * 1024
    print()
    print("wagtail-privacy policy PDF benchmark (Django test Client, in-process)")
    print(f"  database : {database.description}")
    connections = (
        "a new connection per request (CONN_MAX_AGE=0)"
        if database.conn_max_age == 0
        else "persistent connection (CONN_MAX_AGE=None)"
    )
    print(f"             {connections}")
    print(
        f"  versions : {versions_text()}, "
        f"WeasyPrint {weasyprint.__version__}, Python {sys.version.split()[0]}"
    )
    print(f"  policy   : {description}")
    print(f"             published with revision.publish() in {publish_seconds:.2f} s")
    print(f"  url      : GET {PDF_URL}")
    print()
    header = (
        f"{'measurement':<42} {'n':>4} {'min ms':>9} {'median ms':>10} {'p95 ms':>9} {'req/s':>8}"
    )
    print(header)
    print("-" * len(header))
    for timing in (first, *cached):
        print(
            f"{timing.label:<42} {len(timing.seconds):>4} {min(timing.seconds) * 1000:>9.1f} "
            f"{timing.median * 1000:>10.1f} {timing.p95 * 1000:>9.1f} {timing.rps:>8.1f}"
        )
    print()
    download, not_modified = cached
    print(f"first render / cached download (medians): {first.median / download.median:8.0f}x")
    print(f"first render / 304 (medians):              {first.median / not_modified.median:8.0f}x")
    print(
        f"cached download / 304 (medians):           {download.median / not_modified.median:8.2f}x"
    )
    print()
    peak, traced_seconds, _size = memory
    print("Memory of one render_pdf() call")
    print(
        f"  tracemalloc peak of Python allocations (warm, this process) {peak / mib:8.1f} MiB"
        f"  (render took {traced_seconds:.1f} s under tracemalloc)"
    )
    if rss:
        kib = 1024

        def row(label, value, note=""):
            print(f"  {label:<59} {value / kib:8.1f} MiB{note}")

        print("  fresh subprocess (ru_maxrss from resource.getrusage):")
        row("  max RSS at start (inherited from this process at spawn)", rss["inherited"])
        row("  max RSS after Django setup + import weasyprint", rss["baseline"])
        row(
            "  max RSS increase during its first (cold) render",
            rss["after_first"] - rss["baseline"],
            f"  (render took {rss['first_seconds']:.1f} s)",
        )
        row(
            "  max RSS increase during its second render",
            rss["after_second"] - rss["after_first"],
            f"  (render took {rss['second_seconds']:.1f} s)",
        )
        if rss["hwm_baseline"] is not None:
            row(
                "  cross-check, VmHWM increase over both renders",
                rss["hwm_after_second"] - rss["hwm_baseline"],
            )
    print()
    print_total_time(start)


# --- Main ---------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--renders", type=int, default=3, help="first renders timed (default 3)")
    parser.add_argument(
        "--downloads", type=int, default=200, help="cached downloads and 304s timed (default 200)"
    )
    parser.add_argument("--warmup", type=int, default=10, help="warm-up requests (default 10)")
    parser.add_argument(
        "--purposes", type=int, default=DEFAULT_PURPOSES, help="first guess of purpose sections"
    )
    parser.add_argument(
        "--connection-per-request",
        action="store_true",
        help="CONN_MAX_AGE=0 (a new database connection per request) instead of persistent",
    )
    parser.add_argument("--keep-pdf", type=Path, help="copy the rendered PDF to this path")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.child:
        child(json.loads(sys.stdin.read()))
        return
    if args.renders < 1 or args.downloads < 2:
        raise SystemExit("--renders must be at least 1 and --downloads at least 2")
    total_start = time.perf_counter()
    memory_child = start_child()
    with tempfile.TemporaryDirectory(prefix="wagtail-privacy-pdf-bench-") as tmp:
        media_root = Path(tmp) / "media"
        media_root.mkdir()
        conn_max_age = 0 if args.connection_per_request else None
        database = BenchmarkDatabase(os.environ.get("DATABASE_URL"), tmp, conn_max_age)
        database_settings = database.settings()
        configure(database_settings, media_root)
        try:
            create_and_migrate(database)
            print(f"MEDIA_ROOT: {media_root} (FileSystemStorage)", flush=True)
            print("Sizing the policy (rendering drafts)...", flush=True)
            _purposes, blocks, _renders = calibrate(args.purposes)
            text, publish_seconds = publish(blocks)
            assert text.body_html == draft_document(blocks).body_html
            from django.test import Client

            client = Client()
            print(f"Timing {args.renders} first renders...", flush=True)
            first, data = measure_first_renders(client, args.renders)
            pages = page_count(data)
            if not PAGES[0] <= pages <= PAGES[1]:
                raise SystemExit(f"The published PDF has {pages} pages, not {PAGES}.")
            description = describe(blocks, data)
            print(f"Published PDF: {pages} pages", flush=True)
            if args.keep_pdf:
                args.keep_pdf.write_bytes(data)
                print(f"PDF copied to {args.keep_pdf}", flush=True)
            print(f"Timing {args.downloads} cached downloads and 304s...", flush=True)
            cached = measure_cached(client, args.downloads, args.warmup)
            print("Measuring memory (tracemalloc, then a fresh subprocess)...", flush=True)
            memory = measure_tracemalloc(text)
            rss = measure_rss_in_subprocess(memory_child, database_settings, media_root, text.pk)
            report(
                database,
                description,
                publish_seconds,
                first,
                cached,
                memory,
                rss,
                total_start,
            )
        finally:
            if memory_child.poll() is None:
                memory_child.kill()
                memory_child.communicate()
            database.drop()


if __name__ == "__main__":
    main()
