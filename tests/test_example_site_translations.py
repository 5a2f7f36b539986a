"""The demo shop (example_site) has its own sl, sq and hr catalogs: complete, real and compiled.

They live in the ``shop`` app's ``locale/`` folder, which Django finds because the app is
installed; the package's own catalogs (``wagtail_privacy/locale/``) are checked by
test_translations.
"""

import ast
import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from tests.catalogs import (
    assert_compiled_matches,
    assert_complete_and_not_a_copy,
    assert_placeholders_kept,
)

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "example_site"
SHOP = SITE / "shop"
LANGUAGES = ["sl", "sq", "hr"]
# Proper names that read the same in every language (none needed so far).
SAME_IN_EVERY_LANGUAGE = set()


def catalog(language):
    return SHOP / "locale" / language / "LC_MESSAGES" / "django.po"


def unpaid_order_message():
    """The msgid of the unpaid-order blocker, as written in shop/privacy_sources.py."""
    tree = ast.parse((SHOP / "privacy_sources.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "gettext"
            and isinstance(node.args[0], ast.Constant)
            and "is unpaid" in node.args[0].value
        ):
            return node.args[0].value
    raise AssertionError("no gettext() call for the unpaid-order blocker in privacy_sources.py")


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete_and_not_a_copy(language):
    po = polib.pofile(str(catalog(language)))
    assert len(po) > 0
    assert po.metadata["Language"] == language
    assert not po.obsolete_entries()
    assert_complete_and_not_a_copy(catalog(language), SAME_IN_EVERY_LANGUAGE)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language):
    assert_placeholders_kept(catalog(language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_the_source(language):
    assert_compiled_matches(catalog(language))


def test_the_package_catalogs_are_not_the_shop_catalogs():
    # The shop's strings stay out of the catalogs that ship in the wheel.
    package_catalog = ROOT / "wagtail_privacy" / "locale" / "sl" / "LC_MESSAGES" / "django.po"
    package = {e.msgid for e in polib.pofile(str(package_catalog))}
    assert unpaid_order_message() not in package


def test_unpaid_order_blocker_in_slovenian_from_the_compiled_catalog():
    # The example_site app is not installed under tests.settings: read the compiled catalog.
    with open(catalog("sl").with_suffix(".mo"), "rb") as handle:
        mo = gettext.GNUTranslations(handle)
    message = mo.gettext(unpaid_order_message()) % {"number": "LC-1042"}
    assert message == (
        "Naročilo LC-1042 ni plačano: pred izbrisom uporabniškega računa ga plačajte ali se "
        "obrnite na nas."
    )


SHOP_SCRIPT = """
from types import SimpleNamespace
from unittest import mock

import django

django.setup()
from django.utils import translation

from shop.privacy_sources import OrderSource


class Unpaid:
    def filter(self, **lookups):
        return self

    def order_by(self, *fields):
        return self

    def values_list(self, *fields):
        return [(1, "LC-1042")]


with mock.patch.object(OrderSource, "rows_of", lambda self, users: Unpaid()):
    for language in ("sl", "sq", "hr", "en"):
        with translation.override(language):
            [blocker] = OrderSource().blockers(SimpleNamespace(pk=1))
            print(language, blocker.message, sep="\\t")
"""


def test_the_demo_shop_finds_its_catalogs_and_blocks_in_the_customers_language(tmp_path):
    """Under the shop's own settings, Django picks up shop/locale (no database needed)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "PYTHONPATH": os.pathsep.join([str(SITE), str(ROOT)]),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", SHOP_SCRIPT],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    messages = dict(line.split("\t", 1) for line in result.stdout.splitlines())
    assert messages["sl"].startswith("Naročilo LC-1042 ni plačano")
    assert messages["sq"].startswith("Porosia LC-1042 nuk është paguar")
    assert messages["hr"].startswith("Narudžba LC-1042 nije plaćena")
    assert messages["en"] == unpaid_order_message() % {"number": "LC-1042"}


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs GNU gettext's xgettext")
def test_catalogs_cover_every_string_in_the_demo_shop(tmp_path):
    shutil.copytree(
        SHOP, tmp_path / "shop", ignore=shutil.ignore_patterns("static", "locale", "__pycache__")
    )
    (tmp_path / "shop" / "locale").mkdir()
    # No settings: makemessages then writes only to the copy's locale/ folder.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "sl", "--no-location"]
        + ["-i", "migrations/*"],
        cwd=tmp_path / "shop",
        check=True,
        capture_output=True,
        env=env,
    )
    fresh_po = polib.pofile(str(tmp_path / "shop/locale/sl/LC_MESSAGES/django.po"))
    fresh = {(e.msgctxt, e.msgid) for e in fresh_po}
    ours = {(e.msgctxt, e.msgid) for e in polib.pofile(str(catalog("sl")))}
    assert fresh - ours == set(), "run makemessages in example_site/shop and translate"
