"""The sl, sq and hr catalogs are complete, real translations, compiled and up to date."""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["sl", "sq", "hr"]
# Technical terms that read the same in every language.
SAME_IN_EVERY_LANGUAGE = {"SHA-256", "PDF", "API", "SMS"}


def catalog(language):
    return ROOT / "locale" / language / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete_and_not_a_copy(language):
    po = polib.pofile(str(catalog(language)))
    assert po.percent_translated() == 100, [e.msgid for e in po.untranslated_entries()]
    assert not po.fuzzy_entries()
    copies = [e.msgid for e in po if e.msgstr == e.msgid and e.msgid not in SAME_IN_EVERY_LANGUAGE]
    assert not copies


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_the_source(language):
    po = polib.pofile(str(catalog(language)))
    with open(catalog(language).with_suffix(".mo"), "rb") as handle:
        mo = gettext.GNUTranslations(handle)
    for entry in po:
        if entry.msgid_plural:
            assert mo.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        else:
            key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
            assert mo._catalog.get(key) == entry.msgstr, entry.msgid


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs GNU gettext's xgettext")
def test_catalogs_cover_every_string_in_the_package(tmp_path):
    shutil.copytree(ROOT / "wagtail_privacy", tmp_path / "wagtail_privacy")
    (tmp_path / "locale").mkdir()
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "sl", "--no-location"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT)},
    )
    fresh = {e.msgid for e in polib.pofile(str(tmp_path / "locale/sl/LC_MESSAGES/django.po"))}
    ours = {e.msgid for e in polib.pofile(str(catalog("sl")))}
    assert fresh - ours == set(), "run makemessages and translate the new strings"
