"""The acceptance gate across web workers: what one process records, every process knows.

The demo shop's orders page (/account/orders/) is behind the gate: a signed-in customer who
owes an acceptance is redirected to /privacy/accept/. Both demo policies require acceptance
and the demo customers have accepted nothing yet.
"""

import time
from datetime import datetime

import pytest

from .client import Customer

pytestmark = pytest.mark.topology

# Seconds from publication to the new version's effective date: the web workers are polled
# before and after it. A web worker may keep what it read of the requirements for up to
# GATE_REFRESH_SECONDS (5 s by default): the version must be committed longer ahead than that
# for every worker to know its instant beforehand.
AHEAD = 9
# How late after the effective instant a request may still see the old state.
TOLERANCE = 0.5

PUBLISH = """
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from wagtail_privacy.conf import privacy_settings
from wagtail_privacy.policies.pages import PolicyPage

page = PolicyPage.objects.get(slug="privacy-policy", locale__language_code="en")
editor = get_user_model().objects.get(username="editor")
page.change_level = "major"
page.change_summary = "We now keep delivery notes for two years."
page.effective_at = timezone.now() + timedelta(seconds={ahead})
page.save_revision(user=editor).publish(user=editor)
print("COMMITTED", timezone.now().timestamp())
print("EFFECTIVE", page.effective_at.timestamp())
print("REFRESH", getattr(privacy_settings, "GATE_REFRESH_SECONDS", 0))
"""


def value(output, name):
    return float(output.split(name)[-1].split()[0])


def test_an_acceptance_in_worker_a_lifts_the_gate_in_worker_b_at_once(topology):
    ana = Customer(topology, "ana@example.com").sign_in("A")
    # Both workers have looked at ana's acceptances (and may keep what they saw).
    assert ana.gated("A") and ana.gated("B")
    owed = {item["policy"] for item in ana.required("B")}
    assert owed == {"privacy-policy", "terms-of-sale"}

    assert ana.accept_required("A")

    # The very next request, in the other process.
    page = ana.get("B", "/account/orders/")
    assert page.status_code == 200, page.headers.get("Location")
    assert "LC-1038" in page.text  # ana's own orders
    assert ana.required("B") == []
    assert not ana.gated("A")


def test_a_new_version_flips_the_gate_in_both_workers_at_its_effective_instant(topology):
    bor = Customer(topology, "bor@example.com").sign_in("B")
    bor.accept_required("B")
    assert not bor.gated("A") and not bor.gated("B")

    output = topology.shell(PUBLISH.format(ahead=AHEAD))
    effective = value(output, "EFFECTIVE")
    ahead = effective - value(output, "COMMITTED")
    assert ahead > value(output, "REFRESH") and effective - time.time() > 1, (
        f"the publication was committed only {ahead:.1f} s ahead: too late to watch the flip"
    )

    samples = []  # (worker, sent, received, gated)
    while time.time() < effective + 3:
        for worker in ("A", "B"):
            sent = time.time()
            gated = bor.gated(worker)
            samples.append((worker, sent, time.time(), gated))
        time.sleep(0.05)

    when = datetime.fromtimestamp(effective).isoformat(timespec="milliseconds")
    for worker in ("A", "B"):
        mine = [s for s in samples if s[0] == worker]
        before = [s for s in mine if s[2] < effective]
        after = [s for s in mine if s[1] >= effective + TOLERANCE]
        assert len(before) >= 5 and len(after) >= 5, f"worker {worker}: too few samples"
        early = [s for s in before if s[3]]
        assert not early, f"worker {worker} gated {effective - early[0][2]:.3f} s before {when}"
        late = [s for s in after if not s[3]]
        assert not late, f"worker {worker} still open {late[-1][1] - effective:.3f} s after {when}"
    # And it stays flipped.
    assert bor.gated("A") and bor.gated("B")
    assert [item["policy"] for item in bor.required("A")] == ["privacy-policy"]
