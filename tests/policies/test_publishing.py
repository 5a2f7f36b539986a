"""Publishing a policy page records versions by the rules of DESIGN.md."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import Page

from tests.factories import PolicyFactory
from wagtail_privacy.policies.models import Policy, PolicyVersion, PolicyVersionText
from wagtail_privacy.policies.snapshot import content_hash
from wagtail_privacy.signals import policy_version_published, policy_version_withdrawn

pytestmark = pytest.mark.django_db


def test_publishing_records_a_frozen_version(policies):
    page = policies.create(text="We keep your order history.")
    received = []

    def receive(**kwargs):
        received.append(kwargs)

    policy_version_published.connect(receive)
    try:
        policies.publish(page, level="editorial", summary="First publication")
    finally:
        policy_version_published.disconnect(receive)
    version = PolicyVersion.objects.get()
    text = version.texts.get()
    assert version.number == 1
    assert version.change_level == "editorial"
    assert version.policy.slug == "privacy-policy"
    assert version.effective_at == version.published_at
    assert "We keep your order history." in text.body_html
    assert text.sha256 == content_hash(text.title, text.body_html)
    assert text.change_summary == "First publication"
    assert text.locale.language_code == "en"
    assert received and received[0]["created"] is True


def test_each_publication_gets_the_next_number(policies):
    page = policies.create()
    policies.publish(page, level="editorial")
    policies.publish(page, level="minor", text="We also keep your wish list.")
    policies.publish(page, level="editorial", text="We also keep your wishlist.")
    assert list(PolicyVersion.objects.values_list("number", "change_level")) == [
        (1, "editorial"),
        (2, "minor"),
        (3, "editorial"),
    ]
    texts = PolicyVersionText.objects.order_by("version__number")
    assert [t.body_html.count("wish") for t in texts] == [0, 1, 1]


def test_republishing_the_same_revision_records_nothing_new(policies):
    page = policies.create()
    page = policies.publish(page, level="editorial")
    page.live_revision.publish()
    assert PolicyVersion.objects.count() == 1


def test_major_version_needs_the_notice_period(policies, settings):
    page = policies.create()
    with pytest.raises(ValidationError) as refused:
        policies.publish(page, level="major", effective_at=policies.days(3))
    assert "10 days" in str(refused.value.message_dict["effective_at"])
    page.refresh_from_db()
    assert not page.live, "a refused version leaves the page unpublished"
    assert not PolicyVersion.objects.exists()

    settings.WAGTAIL_PRIVACY = {"NOTICE_DAYS": 2}
    policies.publish(page, level="major", effective_at=policies.days(3))
    assert PolicyVersion.objects.get().change_level == "major"


def test_notice_per_change_level(policies, settings):
    """A shop promising "every change is published 10 days before it takes effect" gets it
    for minor changes too; editorial ones still take effect at once."""
    settings.WAGTAIL_PRIVACY = {"NOTICE_DAYS": {"major": 14, "minor": 10, "editorial": 0}}
    page = policies.create()
    policies.publish(page, level="editorial")  # the first version
    for when, fragment in ((None, "10 days' notice of minor changes"), (3, "10 days before")):
        with pytest.raises(ValidationError) as refused:
            policies.publish(
                page,
                level="minor",
                text="Reworded.",
                effective_at=policies.days(when) if when is not None else None,
            )
        assert fragment in " ".join(refused.value.message_dict["effective_at"])
    assert PolicyVersion.objects.count() == 1
    with pytest.raises(ValidationError) as refused:
        policies.publish(page, level="major", text="New rules.", effective_at=policies.days(11))
    assert "14 days" in " ".join(refused.value.message_dict["effective_at"])
    policies.publish(page, level="minor", text="Reworded.", effective_at=policies.days(11))
    assert PolicyVersion.objects.get(number=2).change_level == "minor"


@pytest.mark.parametrize(
    "value,valid",
    [
        (10, True),
        ({"major": 10, "minor": 5}, True),
        ({"major": 10, "minor": 10, "editorial": 0}, True),
        ({"major": 10, "editorial": 3}, False),
        ({"major": 10, "minr": 3}, False),
        ({"major": -1}, False),
        ("10", False),
    ],
)
def test_notice_days_are_checked_at_start_up(settings, value, valid):
    from wagtail_privacy.checks import check_settings

    settings.WAGTAIL_PRIVACY = {"NOTICE_DAYS": value}
    found = [p for p in check_settings() if p.id == "wagtail_privacy.E002"]
    assert (found == []) is valid


@pytest.mark.parametrize(
    "level,effective,field,fragment",
    [
        ("major", None, "effective_at", "needs an effective date"),
        ("major", -1, "effective_at", "cannot be in the past"),
        ("minor", -1, "effective_at", "cannot be in the past"),
        ("editorial", 5, "effective_at", "take effect at once"),
    ],
)
def test_each_refusal_has_a_clear_message(policies, level, effective, field, fragment):
    page = policies.create()
    when = policies.days(effective) if effective is not None else None
    with pytest.raises(ValidationError) as refused:
        policies.publish(page, level=level, effective_at=when)
    assert fragment in " ".join(refused.value.message_dict[field])
    assert not PolicyVersion.objects.exists()


def test_a_later_version_needs_a_level(policies):
    page = policies.create()
    policies.publish(page, level="")  # the first version: the initial one
    with pytest.raises(ValidationError) as refused:
        policies.publish(page, level="", text="Changed.")
    assert "Choose the change level" in " ".join(refused.value.message_dict["change_level"])
    assert PolicyVersion.objects.count() == 1


def test_minor_version_may_take_effect_later(policies):
    page = policies.create()
    policies.publish(page, level="minor", effective_at=policies.days(2))
    version = PolicyVersion.objects.get()
    assert version.effective_at > version.published_at


def test_superseding_an_upcoming_version_withdraws_it(policies):
    page = policies.create()
    policies.publish(page, level="editorial")
    policies.publish(page, level="major", effective_at=policies.days(12), text="Version two.")
    withdrawn_events = []

    def receive(**kwargs):
        withdrawn_events.append(kwargs)

    policy_version_withdrawn.connect(receive)
    try:
        policies.publish(page, level="major", effective_at=policies.days(15), text="Version 3.")
    finally:
        policy_version_withdrawn.disconnect(receive)
    v2, v3 = PolicyVersion.objects.filter(number__in=[2, 3]).order_by("number")
    assert v2.withdrawn_at is not None
    assert v2.superseded_by == v3
    assert v3.withdrawn_at is None
    assert withdrawn_events[0]["version"] == v2


def test_a_major_upcoming_version_cannot_be_replaced_by_a_lesser_one(policies):
    page = policies.create()
    policies.publish(page, level="editorial")
    policies.publish(page, level="major", effective_at=policies.days(12))
    with pytest.raises(ValidationError) as refused:
        policies.publish(page, level="editorial", text="Sneaky early change.")
    assert "at least major" in " ".join(refused.value.message_dict["change_level"])
    assert PolicyVersion.objects.count() == 2


def test_slug_of_another_policy_is_refused(policies, root_page):
    page = policies.create()
    policies.publish(page, level="editorial")
    section = root_page.add_child(instance=Page(title="Other shop", slug="other-shop"))
    other = PolicyFactory(section).create(title="Other privacy policy")
    with pytest.raises(ValidationError) as refused:
        policies.publish(other, level="editorial")
    assert "slug" in refused.value.message_dict
    assert Policy.objects.count() == 1


def test_translation_joins_the_version_it_translates(policies, locales):
    page = policies.create(title="Privacy policy", text="We keep your data.")
    page = policies.publish(page, level="major", effective_at=policies.days(11), summary="New")
    sl = policies.translate(page, "sl", title="Politika zasebnosti", text="Hranimo vaše podatke.")
    sl.change_summary = "Novo"
    sl.save_revision().publish()
    version = PolicyVersion.objects.get()
    assert version.texts.count() == 2
    sl_text = version.texts.get(locale__language_code="sl")
    assert sl_text.title == "Politika zasebnosti"
    assert "Hranimo" in sl_text.body_html
    assert sl_text.change_summary == "Novo"
    # Once every language is in, publishing the translation again is a new version.
    sl.change_level = "editorial"
    sl.effective_at = None
    with pytest.raises(ValidationError):
        # the upcoming major version cannot be replaced by an editorial one
        sl.save_revision().publish()


def test_version_time_is_the_moment_of_publication(policies):
    page = policies.create()
    at = timezone.now().replace(microsecond=0) - timedelta(days=30)
    with time_machine.travel(at, tick=False):
        policies.publish(page, level="editorial")
    assert PolicyVersion.objects.get().published_at == at
