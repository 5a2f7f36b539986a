"""The demo shop (example_site) as a customer meets it, through Django's test client.

- wagtail-privacy's pages in the shop's layout: its header, its language switcher (which keeps
  the page: a policy version, the accept, unsubscribe or reactivation page) and its footer;
- signing in while the account is switched off: the owner (right password) is told how to
  reactivate it and can have the link emailed again; anyone else learns nothing.

The suite runs on tests.settings: these checks run the shop's own settings in a subprocess,
on a throw-away SQLite database with the demo content loaded.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "example_site"

PRELUDE = """
import json
from django.test.utils import setup_test_environment
setup_test_environment()  # emails into mail.outbox, "testserver" allowed
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from shop.models import CustomerProfile
from wagtail_privacy.rights import closure as closures
from wagtail_privacy.verification.service import without_step_up
NO_STEP_UP = without_step_up("test fixture")
User = get_user_model()
out = {}


def customer(username, language):
    # A customer of the test's own (the demo has ana, bor, eva...).
    user = User.objects.create_user(username, f"{username}@example.com", "secret-pw")
    CustomerProfile.objects.create(user=user, language=language)
    return user
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A function that runs a script in the demo shop, returning what it put in ``out``."""
    directory = tmp_path_factory.mktemp("demo-shop")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "PYTHONPATH": os.pathsep.join([str(SITE), str(ROOT)]),
        "DATABASE_URL": f"sqlite:///{directory / 'demo.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(directory / "media"),
    }
    manage = [sys.executable, str(SITE / "manage.py")]

    def run(*args):
        result = subprocess.run(
            [*manage, *args], cwd=directory, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    run("migrate", "--no-input", "-v", "0")
    run("load_demo")

    def script(*parts):
        code = PRELUDE + "".join(textwrap.dedent(part) for part in parts)
        code += "\nprint('OUT:' + json.dumps(out))\n"
        stdout = run("shell", "-v", "0", "-c", code)
        [line] = [line for line in stdout.splitlines() if line.startswith("OUT:")]
        return json.loads(line[4:])

    return script


LAYOUT = """
def layout(response):
    html = response.content.decode()
    switcher = html.split('data-testid="language-switcher"', 1)[1].split("</nav>", 1)[0] \\
        if 'data-testid="language-switcher"' in html else ""
    import re
    from html import unescape
    return {
        "status": response.status_code,
        "lang": re.search(r'<html lang="([^"]+)"', html).group(1),
        "header": 'data-testid="shop-header"' in html,
        "footer": 'data-testid="shop-footer"' in html,
        "title": re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip(),
        "links": {
            unescape(url): code
            for url, code in re.findall(r'<a href="([^"]+)" lang="([a-z]+)"', switcher)
        },
        "current": re.findall(
            r'<a href="[^"]+" lang="([a-z]+)" hreflang="[a-z]+" aria-current', switcher
        ),
        "h1": "<h1" in html.split("<main>", 1)[1],
    }
"""


def test_the_privacy_pages_in_the_shops_layout(demo):
    result = demo(
        LAYOUT,
        """
        from wagtail_privacy.consent.unsubscribe import token_for
        cleo = customer("test-cleo", "sl")
        ana = User.objects.get(username="ana")
        token = token_for(ana, "newsletter", "email")
        closure = closures.deactivate(customer("test-dan", "hr"), proof=NO_STEP_UP)
        reactivation = closures.reactivation_token(closure)
        anonymous = Client()
        signed_in = Client()
        signed_in.force_login(cleo)  # she has accepted nothing yet
        out["policy"] = layout(anonymous.get("/sl/privacy-policy/versions/1/"))
        out["diff"] = layout(anonymous.get("/privacy-policy/diff/1/2/"))
        out["accept"] = layout(signed_in.get("/sl/privacy/accept/?next=/sl/"))
        out["unsubscribe"] = layout(anonymous.get(f"/privacy/unsubscribe/{token}/"))
        out["reactivate"] = layout(anonymous.get(f"/hr/privacy/reactivate/{reactivation}/"))
        out["reactivate_error"] = layout(anonymous.get(f"/sl/privacy/reactivate/{reactivation}x/"))
        out["token"] = token
        out["reactivation"] = reactivation
        """,
    )
    for name in ("policy", "diff", "accept", "unsubscribe", "reactivate", "reactivate_error"):
        page = result[name]
        assert page["header"] and page["footer"] and page["h1"], (name, page)
        assert page["title"].endswith("· Lipa &amp; Co."), (name, page["title"])
        assert len(page["links"]) == 4 and len(page["current"]) == 1, (name, page)
        assert page["current"] == [page["lang"]], (name, page)

    # The switcher keeps the page: the same version, the same comparison, the same link.
    policy = result["policy"]
    assert policy["lang"] == "sl" and policy["status"] == 200
    assert policy["links"]["/privacy-policy/versions/1/"] == "en"
    assert policy["links"]["/hr/privacy-policy/versions/1/"] == "hr"
    assert result["diff"]["links"]["/sq/privacy-policy/diff/1/2/"] == "sq"
    accept = result["accept"]
    assert accept["lang"] == "sl"
    assert accept["links"]["/privacy/accept/?next=%2Fsl%2F&locale=en"] == "en"
    # Ana's link, in her language (Slovenian); each language is the reader's explicit choice.
    token = result["token"]
    unsubscribe = result["unsubscribe"]
    assert unsubscribe["lang"] == "sl" and unsubscribe["status"] == 200
    assert unsubscribe["links"][f"/privacy/unsubscribe/{token}/?locale=en"] == "en"
    assert unsubscribe["links"][f"/sq/privacy/unsubscribe/{token}/?locale=sq"] == "sq"
    reactivation = result["reactivation"]
    assert result["reactivate"]["lang"] == "hr"
    assert result["reactivate"]["links"][f"/privacy/reactivate/{reactivation}/?locale=en"] == "en"
    assert (
        result["reactivate_error"]["status"] == 400 and result["reactivate_error"]["lang"] == "sl"
    )


def test_switching_language_on_a_page_reached_from_an_email(demo):
    result = demo(
        """
        from wagtail_privacy.consent.unsubscribe import token_for
        ana = User.objects.get(username="ana")  # Slovenian
        token = token_for(ana, "newsletter", "email")
        english = Client().get(f"/privacy/unsubscribe/{token}/?locale=en")
        croatian = Client().get(f"/hr/privacy/unsubscribe/{token}/?locale=hr")
        out["en"] = [english["Content-Language"], "Stop receiving" in english.content.decode()]
        out["hr"] = croatian["Content-Language"]
        """
    )
    assert result == {"en": ["en", True], "hr": "hr"}


SIGN_IN = """
def sign_in(client, login, password, lang="en"):
    response = client.post(
        "/accounts/login/",
        {"username": login, "password": password, "lang": lang, "next": "/storefront/#account"},
    )
    html = response.content.decode()
    return {
        "status": response.status_code,
        "signed_in": "_auth_user_id" in client.session,
        "closed": 'data-testid="login-closed"' in html,
        "resend": 'data-testid="login-resend"' in html,
        "mismatch": 'data-testid="login-error"' in html,
        "html": html,
    }
"""


def test_signing_in_while_deactivated_says_how_to_reactivate(demo):
    result = demo(
        SIGN_IN,
        """
        eva = customer("test-eva", "sl")
        closures.deactivate(eva, proof=NO_STEP_UP)
        mail.outbox.clear()
        owner = Client()
        right = sign_in(owner, "test-eva@example.com", "secret-pw")
        out["right"] = {k: v for k, v in right.items() if k != "html"}
        out["right_text"] = "Your account is deactivated." in right["html"]
        slovenian = sign_in(Client(), "test-eva", "secret-pw", lang="sl")
        out["slovenian"] = slovenian["closed"] and '<html lang="sl">' in slovenian["html"]
        wrong = sign_in(Client(), "test-eva@example.com", "wrong-pw")
        out["wrong"] = {k: v for k, v in wrong.items() if k != "html"}
        unknown = sign_in(Client(), "nobody@example.com", "secret-pw")
        out["unknown"] = {k: v for k, v in unknown.items() if k != "html"}
        import re
        def page(html):  # the CSRF token differs from visitor to visitor
            return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
        unknown_page = page(unknown["html"]).replace("nobody@", "test-eva@")
        out["same_answer"] = page(wrong["html"]) == unknown_page

        # The button: the link is emailed again, in her language, then not again at once.
        sent = owner.post("/accounts/reactivation-link/", {"lang": "en"}, follow=True)
        out["sent_status"] = sent.redirect_chain[0][0]
        out["sent_message"] = "We have emailed you the link again." in sent.content.decode()
        out["emails"] = [(m.to, m.body) for m in mail.outbox]
        again = owner.post("/accounts/reactivation-link/", {"lang": "en"}, follow=True)
        out["again_message"] = "a few minutes ago" in again.content.decode()
        out["emails_after_again"] = len(mail.outbox)
        # Without the password first: nothing is sent.
        stranger = Client().post("/accounts/reactivation-link/", {"lang": "en"}, follow=True)
        out["stranger_message"] = "Please sign in again" in stranger.content.decode()
        out["emails_after_stranger"] = len(mail.outbox)
        out["get"] = Client().get("/accounts/reactivation-link/").status_code
        """,
    )
    assert result["right"] == {
        "status": 200,
        "signed_in": False,
        "closed": True,
        "resend": True,
        "mismatch": False,
    }
    assert result["right_text"] and result["slovenian"]
    nothing = {"status": 200, "signed_in": False, "closed": False, "resend": False}
    assert result["wrong"] == {**nothing, "mismatch": True}
    assert result["unknown"] == {**nothing, "mismatch": True}
    assert result["same_answer"]
    assert result["sent_status"].startswith("/accounts/login/?lang=en")
    assert result["sent_message"]
    [(to, body)] = result["emails"]
    assert to == ["test-eva@example.com"]
    assert "/sl/privacy/reactivate/" in body  # her language, as the email's text
    assert result["again_message"] and result["emails_after_again"] == 1
    assert result["stranger_message"] and result["emails_after_stranger"] == 1
    assert result["get"] == 405


def test_signing_in_while_the_deletion_is_pending(demo):
    result = demo(
        SIGN_IN,
        """
        fran = customer("test-fran", "en")
        closures.request_deletion(fran, proof=NO_STEP_UP)
        answer = sign_in(Client(), "test-fran", "secret-pw")
        out["closed"] = answer["closed"] and answer["resend"]
        out["deletion"] = "you asked us to delete it" in answer["html"]
        """,
    )
    assert result == {"closed": True, "deletion": True}


def test_the_admin_shows_avatars_without_the_internet(demo):
    """Offline (no Gravatar), the admin's avatars are Wagtail's own image, served locally."""
    result = demo(
        """
        editor = Client()
        editor.force_login(User.objects.get(username="editor"))
        out["html"] = editor.get("/admin/").content.decode()
        """
    )
    html = result["html"]
    assert "gravatar" not in html
    assert "wagtailadmin/images/default-user-avatar" in html


def test_the_demo_customer_is_asked_to_agree_to_a_revised_wording(demo):
    """The demo revises the recommendations' wording after ana agreed: her consents page says
    why it no longer counts, and agreeing again restores it; the newsletter shows its expiry."""
    result = demo(
        """
        client = Client()
        client.force_login(User.objects.get(username="ana"))
        url = "/api/privacy/v1/me/consents/"

        def email(key):
            [purpose] = [p for p in client.get(url).json() if p["key"] == key]
            return next(c for c in purpose["channels"] if c["channel"] == "email")

        out["before"] = email("profiling")["renewal"]
        out["newsletter_expires"] = email("newsletter")["expires_at"] is not None
        client.put(url + "profiling/", {"channels": {"email": True}},
                   content_type="application/json")
        after = email("profiling")
        out["after"] = [after["granted"], after["renewal"]]
        """,
    )
    assert result == {
        "before": {
            "reason": "wording_changed",
            "agreed_version": 1,
            "current_version": 2,
            "expired_at": None,
        },
        "newsletter_expires": True,
        "after": [True, None],
    }


def test_the_demo_shop_has_cookie_categories_in_every_language(demo):
    """The banner's categories, loaded by load_demo in four languages, served by the API."""
    result = demo(
        """
        from django.core.management import call_command
        from io import StringIO

        url = "/api/privacy/v1/cookies/"
        for language in ("en", "sl", "sq", "hr"):
            body = Client().get(url, HTTP_ACCEPT_LANGUAGE=language).json()
            out[language] = [
                [c["key"], c["name"], [k["name"] for k in c["cookies"]],
                 c["cookies"][0]["duration"]]
                for c in body["categories"]
            ]
        again = StringIO()
        call_command("load_demo", stdout=again)
        out["again"] = "cookie category" in again.getvalue()
        """,
    )
    assert result["en"] == [
        [
            "necessary",
            "Strictly necessary",
            ["sessionid", "csrftoken", "privacy_visitor"],
            "2 weeks",
        ],
        ["statistics", "Statistics", ["_demo_stats"], "13 months"],
        ["marketing", "Marketing", ["_demo_ads"], "90 days"],
    ]
    assert [c[1] for c in result["sl"]] == ["Nujno potrebni", "Statistika", "Trženje"]
    assert result["sl"][2][3] == "90 dni" and result["hr"][0][3] == "2 tjedna"
    assert result["sq"][0][1] == "Rreptësisht të nevojshme"
    assert result["again"] is False  # idempotent


def test_the_demo_breach_is_in_the_register_and_its_report_renders(demo):
    """load_demo records one breach, reported to the authority in time, its customers not
    told yet; the officer reads its report; loading again adds nothing."""
    result = demo(
        """
        from io import StringIO
        from django.core.management import call_command
        from django.utils import timezone
        from wagtail_privacy.breaches.clock import clock
        from wagtail_privacy.breaches.models import Breach
        call_command("load_demo", stdout=StringIO())  # a second time: nothing more
        [breach] = Breach.objects.all()
        out["title"] = breach.title
        out["clock"] = clock(breach).state
        out["hours"] = (breach.authority_notified_at - breach.detected_at).total_seconds() / 3600
        out["detected_days"] = (timezone.now() - breach.detected_at).days
        out["told"] = [breach.notices.count(), breach.notifications.count()]
        out["high_risk"] = breach.high_risk
        officer = Client()
        officer.force_login(User.objects.get(username="officer"))
        listing = officer.get("/admin/privacy/breaches/")
        out["listing"] = [listing.status_code, breach.title in listing.content.decode()]
        report = officer.get(f"/admin/privacy/breaches/{breach.pk}/report/")
        out["report"] = [report.status_code, report["Content-Language"]]
        out["report_html"] = report.content.decode()
        notify = officer.get(f"/admin/privacy/breaches/{breach.pk}/notify/")
        out["notify"] = notify.status_code
        """
    )
    assert result["title"] == "Parcel labels uploaded to the wrong courier account"
    assert result["clock"] == "on_time" and result["hours"] == 26
    assert result["detected_days"] in (2, 3)  # three calendar days ago, at 9:40 shop time
    assert result["told"] == [0, 0] and result["high_risk"] is True
    assert result["listing"] == [200, True]
    assert result["report"] == [200, "en"] and result["notify"] == 200
    html = result["report_html"]
    for text in (
        "Personal data breach report",
        "Parcel labels uploaded to the wrong courier account",
        "Names, delivery addresses, phone numbers, order numbers",
        "38",
        "41",
        "fake delivery messages",
        "Hitra Pošta deleted the labels",
        "Notified on time",
    ):
        assert text in html, text
