"""The sl, sq and hr catalogs are complete, real translations, compiled and up to date."""

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
LANGUAGES = ["sl", "sq", "hr"]
# Technical terms that read the same in every language.
SAME_IN_EVERY_LANGUAGE = {"SHA-256", "PDF", "API", "SMS"}


def catalog(language):
    return ROOT / "locale" / language / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete_and_not_a_copy(language):
    assert_complete_and_not_a_copy(catalog(language), SAME_IN_EVERY_LANGUAGE)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language):
    assert_placeholders_kept(catalog(language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_the_source(language):
    assert_compiled_matches(catalog(language))


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
