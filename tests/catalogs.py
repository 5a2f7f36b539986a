"""Checks shared by the tests of the package's and the demo shop's translation catalogs."""

import gettext
import re

import polib

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def assert_complete_and_not_a_copy(po_path, same_in_every_language=()):
    po = polib.pofile(str(po_path))
    assert po.percent_translated() == 100, [e.msgid for e in po.untranslated_entries()]
    assert not po.fuzzy_entries()
    copies = [e.msgid for e in po if e.msgstr == e.msgid and e.msgid not in same_in_every_language]
    assert not copies


def assert_placeholders_kept(po_path):
    for entry in polib.pofile(str(po_path)):
        if entry.msgid_plural:
            continue
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        assert sorted(PLACEHOLDER.findall(entry.msgstr)) == expected, entry.msgid


def assert_compiled_matches(po_path):
    po = polib.pofile(str(po_path))
    with open(po_path.with_suffix(".mo"), "rb") as handle:
        mo = gettext.GNUTranslations(handle)
    for entry in po:
        if entry.msgid_plural:
            assert mo.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        else:
            key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
            assert mo._catalog.get(key) == entry.msgstr, entry.msgid
