"""The sl, sq and hr catalogs are complete, real translations, compiled and up to date."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

from tests.catalogs import (
    assert_compiled_matches,
    assert_complete_and_not_a_copy,
    assert_placeholders_kept,
)

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "wagtail_privacy"
LANGUAGES = ["sl", "sq", "hr"]
# Technical terms that read the same in every language.
SAME_IN_EVERY_LANGUAGE = {"SHA-256", "PDF", "API", "SMS"}


def catalog(language):
    return PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete_and_not_a_copy(language):
    assert_complete_and_not_a_copy(catalog(language), SAME_IN_EVERY_LANGUAGE)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language):
    assert_placeholders_kept(catalog(language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_the_source(language):
    assert_compiled_matches(catalog(language))


def test_django_finds_the_package_catalogs_without_locale_paths(settings):
    # As in a site that installs the package (editable or from the wheel): no LOCALE_PATHS.
    assert not settings.LOCALE_PATHS
    with translation.override("sl"):
        assert translation.gettext("Version history") == "Zgodovina različic"
        # The package's wording, not Wagtail's, where both translate the same word.
        assert translation.gettext("Cancelled") == "Preklicana"


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs GNU gettext's xgettext")
def test_catalogs_cover_every_string_in_the_package(tmp_path):
    # The maintainers' command (README, Development), run in a copy of the package without
    # its catalogs: makemessages writes them afresh into the copy's locale/ folder.
    copy = tmp_path / "wagtail_privacy"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "sl", "-l", "sq", "-l", "hr"]
        + ["--no-location"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT)},
    )
    for language in LANGUAGES:
        fresh_po = copy / "locale" / language / "LC_MESSAGES" / "django.po"
        fresh = {e.msgid for e in polib.pofile(str(fresh_po))}
        ours = {e.msgid for e in polib.pofile(str(catalog(language)))}
        assert fresh - ours == set(), f"run makemessages and translate the new {language} strings"


def test_the_readme_gives_the_makemessages_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "django-admin makemessages -l sl -l sq -l hr --no-location" in readme
    assert "wagtail_privacy/locale/" in readme
