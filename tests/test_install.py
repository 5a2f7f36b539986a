"""The README's "Installing into an existing Wagtail site", followed literally.

The wheel is built from this checkout and installed, with what the README's ``pip install``
line names, into a fresh virtualenv (dependencies from the package registry); ``wagtail start``
makes a new project; the README's settings and urls blocks (read from the README, between
their ``<!-- install:... -->`` markers) are applied to it as they stand; then its commands are
run (migrate, the task worker, ``privacy_tick``). A policy is published in English and
Slovenian from code, and the site is exercised with Django's test client inside that
virtualenv: the JSON API, the Slovenian public pages with the package's translations, an
unknown API path, the API docs, and a deactivation through the API after step-up.

Under ``CI=true`` it fails when the wheel cannot be built or installed; elsewhere it skips only
when the package registry cannot be reached.
"""

import fnmatch
import json
import os
import re
import shlex
import subprocess
import sys
import time
import urllib.request
import venv
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CATALOG = ROOT / "wagtail_privacy" / "locale" / "sl" / "LC_MESSAGES" / "django.po"
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
PROJECT = "mysite"

pytestmark = pytest.mark.slow


def install_section():
    text = README.read_text(encoding="utf-8")
    start = text.index("## Installing into an existing Wagtail site")
    return text[start : text.index("\n## ", start + 1)]


def blocks(section):
    """The fenced blocks of the section by their marker: ``<!-- install:NAME -->``."""
    return dict(re.findall(r"<!-- install:(\w+) -->\n```\w*\n(.*?)```", section, re.S))


def commands(block):
    """The shell lines of a block, without comments, as argument lists."""
    lines = (line.split("#", 1)[0].strip() for line in block.splitlines())
    return [shlex.split(line) for line in lines if line]


def registry_reachable():
    index = os.environ.get("PIP_INDEX_URL") or "https://pypi.org/simple/"
    try:
        with urllib.request.urlopen(f"{index.rstrip('/')}/django-tasks-db/", timeout=15):
            return True
    except OSError:
        return False


def run(args, *, cwd, env=None, timeout=900, what=None):
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, (
        f"{what or ' '.join(str(a) for a in args)} failed ({result.returncode}):\n"
        f"{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    )
    return result.stdout


def msgstr(msgid):
    return polib.pofile(str(CATALOG)).find(msgid).msgstr


PUBLISH = """
from wagtail.models import Locale, Site

from wagtail_privacy.policies.pages import PolicyPage


def body(text):
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


sl, _ = Locale.objects.get_or_create(language_code="sl")
home = Site.objects.get(is_default_site=True).root_page
page = PolicyPage(
    title="Privacy policy",
    slug="privacy-policy",
    body=body("We keep your data safe."),
    requires_acceptance=True,
    live=False,
)
home.add_child(instance=page)
page.change_level = "editorial"
page.save_revision().publish()

page = PolicyPage.objects.get(pk=page.pk)
translated = page.copy_for_translation(sl, copy_parents=True)
parent = translated.get_parent().specific
if not parent.live:
    parent.save_revision().publish()
translated = PolicyPage.objects.get(pk=translated.pk)
translated.title = "Politika zasebnosti"
translated.body = body("Vaše podatke varujemo.")
translated.save_revision().publish()
print("published", page.url, PolicyPage.objects.get(pk=translated.pk).url)
"""

EXERCISE = r"""
import json
import re

import django

django.setup()

from django.test.utils import setup_test_environment

setup_test_environment()  # emails into mail.outbox

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import translation
from django_tasks_db.models import DBTaskResult

import wagtail_privacy

API = "/api/privacy/v1"
seen = {"package": wagtail_privacy.__file__}


def answer(response):
    kind = response.get("Content-Type", "")
    if response.streaming:
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    body = json.loads(content) if kind.startswith("application/json") else None
    html = content.decode(errors="replace") if kind.startswith("text/html") else None
    return {
        "status": response.status_code,
        "type": kind,
        "json": body,
        "language": response.get("Content-Language"),
        "html": html,
    }


anonymous = Client()
seen["policies"] = answer(anonymous.get(f"{API}/policies/"))
seen["policy_sl"] = answer(anonymous.get(f"{API}/policies/privacy-policy/?locale=sl"))
seen["page_en"] = answer(anonymous.get("/privacy-policy/"))
seen["page_sl"] = answer(anonymous.get("/sl/privacy-policy/"))
seen["pdf"] = answer(anonymous.get("/privacy-policy/versions/1/pdf/"))
seen["unknown_get"] = answer(anonymous.get(f"{API}/no-such-endpoint/"))
seen["unknown_post"] = answer(anonymous.post(f"{API}/no/such/endpoint", HTTP_ACCEPT_LANGUAGE="sl"))
seen["docs"] = answer(anonymous.get(f"{API}/docs"))
bundle = anonymous.get("/static/ninja/swagger-ui-bundle.js")
seen["docs_bundle"] = {"status": bundle.status_code}
with translation.override("sl"):
    seen["sl_cancelled"] = translation.gettext("Cancelled")
seen["tasks"] = sorted(DBTaskResult.objects.values_list("status", flat=True))

ana = get_user_model().objects.create_user("ana", "ana@example.com", "ana-password")
customer = Client()
customer.force_login(ana)
seen["accept_sl"] = answer(customer.get("/sl/privacy/accept/?next=/sl/"))
seen["accept_en"] = answer(customer.get("/privacy/accept/?next=/"))

# Step-up: a code by email, then the code; then the deactivation itself.
def post_json(url, data):
    return answer(customer.post(url, data, content_type="application/json"))


seen["step_up_started"] = post_json(f"{API}/me/verification/", {"method": "email"})
codes = [re.search(r"\b(\d{6})\b", message.body) for message in mail.outbox]
code = codes[-1].group(1) if codes and codes[-1] else ""
seen["step_up_verified"] = post_json(f"{API}/me/verification/", {"token": code})
sent_before = len(mail.outbox)
seen["deactivation"] = answer(customer.post(f"{API}/me/deactivation/"))
ana.refresh_from_db()
seen["ana_active"] = ana.is_active
seen["deactivation_mail"] = [
    {"to": message.to, "subject": message.subject, "body": message.body}
    for message in mail.outbox[sent_before:]
]
print("RESULT " + json.dumps(seen))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A fresh ``wagtail start`` project set up as the README says, in its own virtualenv."""
    if not IN_CI and not registry_reachable():
        pytest.skip("the package registry cannot be reached: nothing to install from")
    section = install_section()
    found = blocks(section)
    assert {"pip", "settings", "urls", "run"} <= set(found), "the README's install markers"
    tmp = tmp_path_factory.mktemp("install")
    started = time.monotonic()

    # The wheel, as the README's "python -m build --wheel" (no isolation: hatchling is here).
    assert ["python", "-m", "build", "--wheel"] in commands(found["pip"])
    run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", tmp / "dist"],
        cwd=ROOT,
        what="building the wheel",
    )
    [wheel] = (tmp / "dist").glob("wagtail_privacy-*.whl")

    # A fresh virtualenv and the README's "pip install dist/...whl ..." line, with our wheel.
    venv.EnvBuilder(with_pip=True).create(tmp / "venv")
    python = tmp / "venv" / "bin" / "python"
    [pip_line] = [
        c for c in commands(found["pip"]) if c[:2] == ["pip", "install"] and "dist/" in c[2]
    ]
    assert fnmatch.fnmatch(wheel.name, Path(pip_line[2]).name), (wheel.name, pip_line)
    run(
        [python, "-m", "pip", "install", "--quiet", wheel, *pip_line[3:]],
        cwd=tmp,
        what="installing the wheel",
    )

    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "DJANGO_SETTINGS_MODULE"}}
    env.update(DJANGO_SETTINGS_MODULE=f"{PROJECT}.settings.dev", PYTHONDONTWRITEBYTECODE="1")
    run([tmp / "venv" / "bin" / "wagtail", "start", PROJECT], cwd=tmp, env=env)
    project = tmp / PROJECT

    # The settings block goes at the end of the settings, as the README says.
    base = project / PROJECT / "settings" / "base.py"
    base.write_text(base.read_text(encoding="utf-8") + "\n\n" + found["settings"], encoding="utf-8")
    # urls.py: Wagtail's catch-all out, the README's block at the end.
    catch_all = 'path("", include(wagtail_urls))'
    assert f"remove Wagtail's catch-all `{catch_all}`" in section
    urls = project / PROJECT / "urls.py"
    lines = urls.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if line.strip() != f"{catch_all},"]
    assert len(kept) == len(lines) - 1, "the fresh project's urls.py has the catch-all once"
    urls.write_text("".join(kept) + "\n\n" + found["urls"], encoding="utf-8")

    manage = [python, "manage.py"]
    run([*manage, "check", "--fail-level", "ERROR"], cwd=project, env=env)
    steps = {c[2]: c[3:] for c in commands(found["run"]) if c[:2] == ["python", "manage.py"]}
    assert list(steps) == ["migrate", "db_worker", "privacy_tick"], steps
    run([*manage, "migrate", "--no-input", *steps["migrate"]], cwd=project, env=env)
    out = run([*manage, "shell", "-c", PUBLISH], cwd=project, env=env, what="publishing")
    assert "published /privacy-policy/ /sl/privacy-policy/" in out, out
    # The worker the README keeps running, here until the queue is empty (the PDFs).
    run([*manage, "db_worker", *steps["db_worker"], "--batch"], cwd=project, env=env)
    run([*manage, "privacy_tick", *steps["privacy_tick"]], cwd=project, env=env)

    out = run([python, "-c", EXERCISE], cwd=project, env=env, what="the exercise script")
    [line] = [line for line in out.splitlines() if line.startswith("RESULT ")]
    seen = json.loads(line.removeprefix("RESULT "))
    seen["seconds"] = time.monotonic() - started
    seen["venv"] = str(tmp / "venv")
    return seen


def test_the_site_runs_the_installed_wheel(site):
    assert site["package"].startswith(site["venv"]), site["package"]


def test_the_json_api_lists_the_policy(site):
    policies = site["policies"]
    assert policies["status"] == 200, policies
    [policy] = policies["json"]
    assert policy["slug"] == "privacy-policy" and policy["current"]["number"] == 1
    slovenian = site["policy_sl"]
    assert slovenian["status"] == 200 and slovenian["language"] == "sl", slovenian
    assert slovenian["json"]["current"]["title"] == "Politika zasebnosti"


def test_the_public_pages_are_translated_by_the_package_catalogs(site):
    english, slovenian = site["page_en"], site["page_sl"]
    assert english["status"] == 200 and "We keep your data safe." in english["html"]
    assert "Version history" in english["html"]
    assert slovenian["status"] == 200, slovenian["status"]
    assert "Vaše podatke varujemo." in slovenian["html"]
    assert msgstr("Version history") in slovenian["html"]
    assert msgstr("Download PDF") in slovenian["html"]
    # The package's wording comes first where Wagtail translates the same word.
    assert site["sl_cancelled"] == msgstr("Cancelled")


def test_the_accept_page_in_slovenian(site):
    page = site["accept_sl"]
    assert page["status"] == 200, page["status"]
    assert msgstr("Accept and continue") in page["html"]
    assert msgstr("I have read these documents and accept them.") in page["html"]
    english = site["accept_en"]
    assert english["status"] == 200 and "Accept and continue" in english["html"]


def test_the_worker_rendered_the_pdfs(site):
    assert site["tasks"] and set(site["tasks"]) == {"SUCCESSFUL"}, site["tasks"]
    assert site["pdf"]["status"] == 200 and site["pdf"]["type"] == "application/pdf"


def test_an_unknown_api_path_is_a_json_not_found(site):
    assert site["unknown_get"]["status"] == 404
    assert site["unknown_get"]["json"] == {"code": "not_found", "detail": "Not found."}
    assert site["unknown_post"]["status"] == 404
    assert site["unknown_post"]["json"] == {"code": "not_found", "detail": msgstr("Not found.")}


def test_the_api_docs_need_no_cdn(site):
    docs = site["docs"]
    assert docs["status"] == 200
    assert '"/static/ninja/swagger-ui-bundle.js"' in docs["html"]
    assert "cdn" not in docs["html"].lower()
    assert site["docs_bundle"]["status"] == 200


def test_deactivation_through_the_api_after_step_up(site):
    assert site["step_up_started"]["status"] == 202, site["step_up_started"]
    assert site["step_up_verified"]["status"] == 200, site["step_up_verified"]
    deactivation = site["deactivation"]
    assert deactivation["status"] == 200, deactivation
    assert deactivation["json"]["kind"] == "deactivation"
    assert site["ana_active"] is False
    [receipt] = site["deactivation_mail"]
    assert receipt["to"] == ["ana@example.com"]
    assert "/privacy/reactivate/" in receipt["body"]
