"""The wheel ships the package and its compiled catalogs, and nothing of the project around it."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_contains_the_compiled_catalogs(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("wagtail_privacy-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for language in ("sl", "sq", "hr"):
        assert f"wagtail_privacy/locale/{language}/LC_MESSAGES/django.mo" in names
        assert f"wagtail_privacy/locale/{language}/LC_MESSAGES/django.po" in names
    assert "wagtail_privacy/templates/wagtail_privacy/policies/policy_page.html" in names
    # The cookie banner's module and stylesheet, served from the app's static folder.
    assert "wagtail_privacy/static/wagtail_privacy/cookies.js" in names
    assert "wagtail_privacy/static/wagtail_privacy/cookies.css" in names
    assert "wagtail_privacy/migrations/0001_initial.py" in names
    assert not any(
        n.startswith(("tests/", "example_site/", "benchmarks/", "locale/")) for n in names
    )


def test_the_catalogs_live_inside_the_package():
    # Django finds them in the source tree (an editable install) as in the wheel; no copy of
    # them is kept outside the package.
    for language in ("sl", "sq", "hr"):
        folder = ROOT / "wagtail_privacy" / "locale" / language / "LC_MESSAGES"
        assert (folder / "django.po").is_file() and (folder / "django.mo").is_file()
    assert not (ROOT / "locale").exists()
