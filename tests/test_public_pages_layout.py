"""Every public page of the package extends one template, ``wagtail_privacy/base.html``.

The package's own is a complete page; a site that puts its own ``wagtail_privacy/base.html``
in its templates folder shows every page (policy, version, comparison, accept, unsubscribe and
reactivation, their error pages too) in its layout: its header, language switcher and footer.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from wagtail_privacy.consent import unsubscribe
from wagtail_privacy.consent.models import ConsentPurpose
from wagtail_privacy.rights import closure as closures
from wagtail_privacy.verification.service import without_step_up

# The customer's own step-up is not what these tests are about.
NO_STEP_UP = without_step_up("test fixture")

pytestmark = pytest.mark.django_db

LAYOUT = """<!doctype html>{% load i18n %}{% get_current_language as language %}
<html lang="{{ language }}"><head><title>{% block title %}{% endblock %} · Test shop</title>
{% block extra_head %}{% endblock %}</head>
<body><header>SHOP HEADER</header><main>{% block main %}{% endblock %}</main>
<footer>SHOP FOOTER</footer></body></html>
"""
# The site's override: its layout calls the content block "main", and keeps the package's styles.
OVERRIDE = """{% extends "layout.html" %}
{% block extra_head %}{% include "wagtail_privacy/styles.html" %}{% endblock %}
{% block main %}{% block content %}{% endblock %}{% endblock %}
"""


@pytest.fixture
def pages(policies, customer, locales):
    """{name: (URL, status)} of every public page the package serves, each reachable."""
    page = policies.create(title="Privacy policy", text="Old rules.", requires_acceptance=True)
    page = policies.publish(page, level="editorial")
    page = policies.publish(
        page,
        level="major",
        effective_at=timezone.now() + timedelta(days=11),
        summary="We now keep reviews.",
        text="New rules.",
    )
    ConsentPurpose.objects.create(
        key="newsletter", name="Newsletter", wording="Send me news.", locale=locales["en"]
    )
    token = unsubscribe.token_for(customer, "newsletter", "email")
    closure = closures.deactivate(customer, proof=NO_STEP_UP)
    reactivation = closures.reactivation_token(closure)
    return {
        "policy": (page.url, 200),
        "version": (page.url + "versions/2/", 200),
        "diff": (page.url + "diff/1/2/", 200),
        "accept": ("/privacy/accept/?next=/", 200),
        "unsubscribe": (f"/privacy/unsubscribe/{token}/", 200),
        "unsubscribe error": (f"/privacy/unsubscribe/{token[:-2]}xx/", 400),
        "reactivate": (f"/privacy/reactivate/{reactivation}/", 200),
        "reactivate error": (f"/privacy/reactivate/{reactivation[:-2]}xx/", 400),
    }


def fetch(url, user=None):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client.get(url)


def visit(pages, other_customer):
    """Every page, the accept page for a customer who owes an acceptance."""
    for name, (url, status) in pages.items():
        response = fetch(url, other_customer if name == "accept" else None)
        assert response.status_code == status, (name, response.status_code)
        yield name, response


def test_every_page_extends_the_one_base_template(pages, other_customer):
    for name, response in visit(pages, other_customer):
        templates = [t.name for t in response.templates]
        assert "wagtail_privacy/base.html" in templates, (name, templates)


def test_the_default_base_is_a_complete_accessible_page(pages, other_customer):
    for name, response in visit(pages, other_customer):
        html = response.content.decode()
        assert html.startswith("<!DOCTYPE html>"), name
        assert '<html lang="en">' in html, name
        assert '<meta name="viewport"' in html, name
        title = html.split("<title>", 1)[1].split("</title>", 1)[0].strip()
        assert title, name
        assert html.count("<main>") == 1 and "<h1" in html.split("<main>", 1)[1], name
        assert ".privacy-banner" in html, name  # the pages' styles


def test_a_site_override_shows_every_page_in_its_layout(pages, other_customer, settings, tmp_path):
    (tmp_path / "wagtail_privacy").mkdir()
    (tmp_path / "layout.html").write_text(LAYOUT)
    (tmp_path / "wagtail_privacy" / "base.html").write_text(OVERRIDE)
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [str(tmp_path)]}]
    for name, response in visit(pages, other_customer):
        html = response.content.decode()
        assert "SHOP HEADER" in html and "SHOP FOOTER" in html, name
        assert "layout.html" in [t.name for t in response.templates], name
        main = html.split("<main>", 1)[1].split("</main>", 1)[0]
        assert "<h1" in main, name  # the page's own content, in the site's <main>
        assert " · Test shop</title>" in html, name
        assert ".privacy-banner" in html, name
    # A page's own head survives the override (the pages keep {{ block.super }}).
    diff = fetch(pages["diff"][0]).content.decode()
    assert '<meta name="robots" content="noindex">' in diff and ".privacy-diff-insert" in diff


def test_pages_under_a_language_prefix_use_the_layout_in_that_language(pages, other_customer):
    client = Client()
    client.force_login(other_customer)
    response = client.get("/sl/privacy/accept/?next=/sl/")
    assert response.status_code == 200 and response["Content-Language"] == "sl"
    assert '<html lang="sl">' in response.content.decode()
