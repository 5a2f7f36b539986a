"""Accessibility checks of the browser journeys with axe-core (WCAG 2.1 A and AA).

axe-core comes from the npm registry, pinned in ``package.json`` and ``package-lock.json`` beside
this file, and is installed into ``node_modules/`` here (``npm ci``) when missing or not the
pinned version. ``run(page)`` injects it into the page and runs it; the journeys run it on
every step (see ``Journey.shot`` in conftest.py) and assert at the end of each journey that
every page it loaded was checked.

``EXCLUSIONS`` lists, in one place, the violations inside the markup of Wagtail's admin (and of
the libraries it bundles) that this project cannot fix: each one is a rule, for the elements of
one selector, on the admin pages of one address pattern only. Nothing else is left out.
"""

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
AXE_SCRIPT = HERE / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass(frozen=True)
class Exclusion:
    """Rule ``rule`` is not reported for elements inside ``selector`` on pages matching ``path``."""

    rule: str
    selector: str
    path: str  # a regular expression, matched against the page's path from its start
    why: str

    def applies_to(self, url):
        return re.match(self.path, _path(url)) is not None


# Wagtail's page editor, where the policy's body (a StreamField) and its dates are edited.
PAGE_EDITOR = r"/admin/pages/\d+/edit/$"

EXCLUSIONS = [
    # StreamField renders a block that is a single field (the policy body's "heading", a
    # CharBlock) with its label as the block's panel heading, not as a <label> tied to the
    # input: wagtail/wagtail#11179 (open).
    Exclusion(
        rule="label",
        selector="[data-streamfield-stream-container] [data-field-input] > input[type='text']",
        path=PAGE_EDITOR,
        why="StreamField FieldBlock inputs have no associated label (wagtail/wagtail#11179)",
    ),
    # Draftail, Wagtail's rich text editor (the body's "text" blocks), gives its
    # contenteditable role="textbox" no accessible name: wagtail/wagtail#14205 (open).
    Exclusion(
        rule="aria-input-field-name",
        selector=".Draftail-Editor .public-DraftEditor-content[role='textbox']",
        path=PAGE_EDITOR,
        why="Draftail's editable area has no accessible name (wagtail/wagtail#14205)",
    ),
    # Handsontable, behind Wagtail's TableBlock (the body's "table" blocks), appends a hidden
    # textarea to <body> that only catches copy and paste: handsontable/handsontable#5786.
    Exclusion(
        rule="label",
        selector="#HandsontableCopyPaste",
        path=PAGE_EDITOR,
        why="Handsontable's copy/paste textarea has no label (handsontable/handsontable#5786)",
    ),
    # The jQuery date-time picker Wagtail opens on date fields (the policy's "effective at"):
    # icon-only buttons and pale days of the adjacent months: wagtail/wagtail#5325 (open). The
    # field itself, a labelled text input, is checked as usual.
    Exclusion(
        rule="button-name",
        selector=".xdsoft_datetimepicker",
        path=PAGE_EDITOR,
        why="the date-time picker's buttons are icon-only (wagtail/wagtail#5325)",
    ),
    Exclusion(
        rule="color-contrast",
        selector=".xdsoft_datetimepicker",
        path=PAGE_EDITOR,
        why="the date-time picker's pale days of other months (wagtail/wagtail#5325)",
    ),
]


def _path(url):
    return re.sub(r"^[a-z]+://[^/]+", "", url)


def in_ci():
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _unavailable(message):
    """Fail with ``message`` under CI=true (the checks must run there); skip elsewhere."""
    if in_ci():
        pytest.fail(f"CI=true: {message}", pytrace=False)
    pytest.skip(message)


def pinned_version():
    lock = json.loads((HERE / "package-lock.json").read_text(encoding="utf-8"))
    return lock["packages"]["node_modules/axe-core"]["version"]


def installed_version():
    manifest = AXE_SCRIPT.parent / "package.json"
    if not AXE_SCRIPT.exists() or not manifest.exists():
        return None
    return json.loads(manifest.read_text(encoding="utf-8")).get("version")


def ensure_installed():
    """The path of ``axe.min.js``, installing the pinned axe-core with ``npm ci`` if needed."""
    wanted = pinned_version()
    if installed_version() == wanted:
        return AXE_SCRIPT
    npm = shutil.which("npm")
    if npm is None:
        _unavailable(
            f"npm is missing, so axe-core {wanted} cannot be installed for the accessibility "
            f"checks of the browser journeys (apt-get install npm)"
        )
    try:
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=300,
        )
    except subprocess.TimeoutExpired:
        _unavailable(f"`npm ci` in {HERE} did not finish within 300 s (axe-core {wanted})")
    if result.returncode or installed_version() != wanted:
        output = (result.stdout + result.stderr).strip()[-2000:]
        _unavailable(
            f"`npm ci` in {HERE} could not install axe-core {wanted} for the accessibility "
            f"checks of the browser journeys (exit {result.returncode}):\n{output}"
        )
    return AXE_SCRIPT


# Runs in the page: axe-core on the whole document, then drops the nodes that an exclusion
# covers (by CSS selector, so that it does not depend on the selectors axe reports).
RUN = """
async ({tags, exclusions}) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  // Only elements of this document (not of a frame or a shadow root) can be excluded.
  const excluded = (rule, target) => {
    if (target.length !== 1 || typeof target[0] !== "string") return false;
    const element = document.querySelector(target[0]);
    return element !== null && exclusions.some(
      (exclusion) => exclusion.rule === rule && element.closest(exclusion.selector) !== null
    );
  };
  return results.violations
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      helpUrl: violation.helpUrl,
      nodes: violation.nodes
        .filter((node) => !excluded(violation.id, node.target))
        .map((node) => ({
          target: node.target.join(" >>> "),
          html: node.html,
          summary: node.failureSummary,
        })),
    }))
    .filter((violation) => violation.nodes.length > 0);
}
"""


def run(page):
    """The WCAG 2.1 A/AA violations axe-core finds on ``page`` now, less ``EXCLUSIONS``."""
    # Always the pinned axe-core, never one the page brings (Wagtail's admin bundles its own,
    # older and configured for its accessibility checker): injected once per document.
    if not page.evaluate("() => window.__pinnedAxe === true"):
        page.add_script_tag(path=str(AXE_SCRIPT))
        version = page.evaluate("() => { window.__pinnedAxe = true; return axe.version; }")
        assert version == installed_version(), (version, installed_version())
    exclusions = [
        {"rule": exclusion.rule, "selector": exclusion.selector}
        for exclusion in EXCLUSIONS
        if exclusion.applies_to(page.url)
    ]
    return page.evaluate(RUN, {"tags": WCAG_TAGS, "exclusions": exclusions})


def report(url, violations, step=None):
    """A readable account of ``violations``: rule, impact, help and the offending nodes."""
    where = f"{url} (step {step!r})" if step else url
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {where}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}")
            lines.append(f"       {node['html'][:200]}")
            for detail in (node["summary"] or "").splitlines()[:4]:
                if detail.strip():
                    lines.append(f"       | {detail.strip()}")
    return "\n".join(lines)
