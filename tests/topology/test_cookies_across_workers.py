"""Cookie consent across web workers: a choice made through one process counts in the other at
once, and so does an editor's change of a category.

The demo shop's pages run its statistics script only when ``{% has_cookie_consent %}`` says
so (a real ``<script src>``); otherwise it waits as ``type="text/plain"``.
"""

import re

import pytest
import requests

from .client import API

pytestmark = pytest.mark.topology

ALLOWED = re.compile(r'<script src="[^"]*shop/stats\.js" data-cookie-category="statistics"')
WAITING = re.compile(r'<script type="text/plain" data-cookie-category="statistics"')

BUMP_WORDING = """
from wagtail.models import Locale

from wagtail_privacy.cookies.models import CookieCategory

category = CookieCategory.objects.get(key="statistics", locale=Locale.get_default())
category.wording_version += 1
category.save()
print("VERSION", category.wording_version)
"""


def statistics_runs(browser, topology, worker):
    page = browser.get(topology.url(worker, "/"), timeout=60)
    assert page.status_code == 200
    allowed, waiting = bool(ALLOWED.search(page.text)), bool(WAITING.search(page.text))
    assert allowed != waiting, page.text[-2000:]
    return allowed


def choose(browser, topology, worker, **choices):
    response = browser.put(
        topology.url(worker, f"{API}/cookies/"),
        json={"choices": choices, "source": "banner"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_choice_in_worker_a_counts_in_worker_b_at_once(topology):
    browser = requests.Session()
    # Both workers have read this visitor's (lack of) choices and may keep what they read.
    assert not statistics_runs(browser, topology, "A")
    assert not statistics_runs(browser, topology, "B")

    choose(browser, topology, "A", statistics=True, marketing=False)
    assert "privacy_visitor" in browser.cookies
    assert statistics_runs(browser, topology, "B")
    assert browser.get(topology.url("B", f"{API}/cookies/"), timeout=60).json()["choices"] == {
        "statistics": True,
        "marketing": False,
    }

    # A withdrawal through B stops the script in A on the very next page.
    choose(browser, topology, "B", statistics=False)
    assert not statistics_runs(browser, topology, "A")


def test_an_editors_change_of_a_category_asks_again_in_every_worker(topology):
    browser = requests.Session()
    choose(browser, topology, "A", statistics=True, marketing=False)
    assert statistics_runs(browser, topology, "A") and statistics_runs(browser, topology, "B")

    assert "VERSION" in topology.shell(BUMP_WORDING)

    for worker in ("A", "B"):
        body = browser.get(topology.url(worker, f"{API}/cookies/"), timeout=60).json()
        statistics = next(c for c in body["categories"] if c["key"] == "statistics")
        assert statistics["changed"] is True and body["show_banner"] is True, worker
        assert not statistics_runs(browser, topology, worker)
