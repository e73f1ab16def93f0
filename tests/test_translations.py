"""Chinese is the default language: every string the code marks for translation has its Chinese."""

import gettext
import re
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.BASE_DIR) / "locale"


def entries(po_text):
    """(msgid, translations, fuzzy, context) for each entry of a .po file, header left out."""
    result = []
    for block in po_text.split("\n\n"):
        ids = re.search(r'^msgid ((?:".*"\n?)+)', block, re.MULTILINE)
        if not ids:
            continue
        msgid = "".join(re.findall(r'"(.*)"', ids.group(1)))
        if not msgid:
            continue
        context = re.search(r'^msgctxt ((?:".*"\n?)+)', block, re.MULTILINE)
        context = "".join(re.findall(r'"(.*)"', context.group(1))) if context else None
        strs = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.MULTILINE)
        translations = ["".join(re.findall(r'"(.*)"', s)) for s in strs]
        result.append((msgid, translations, "#, fuzzy" in block or ", fuzzy" in block, context))
    return result


def unescaped(text):
    return text.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")


def test_every_string_in_the_code_has_a_chinese_translation():
    # makemessages always writes the project's own catalog (it adds ./locale
    # to its paths), so run it there and put the file back afterwards.
    po_path = LOCALE / "zh_Hans/LC_MESSAGES/django.po"
    original = po_path.read_bytes()
    try:
        call_command(
            "makemessages",
            locale=["zh_Hans"],
            ignore_patterns=[".venv/*", "tests/*", "bench/*", "staticfiles/*", "media/*"],
            verbosity=0,
        )
        fresh = entries(po_path.read_text(encoding="utf-8"))
    finally:
        po_path.write_bytes(original)
    assert len(fresh) > 100
    untranslated = [msgid for msgid, translations, fuzzy, _context in fresh if fuzzy or not all(translations)]
    assert untranslated == []


def test_the_compiled_catalog_matches_the_po_file():
    po = entries((LOCALE / "zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
    with open(LOCALE / "zh_Hans/LC_MESSAGES/django.mo", "rb") as mo_file:
        catalog = gettext.GNUTranslations(mo_file)
    for msgid, translations, _fuzzy, context in po:
        msgid, expected = unescaped(msgid), unescaped(translations[0])
        found = catalog.pgettext(unescaped(context), msgid) if context else catalog.gettext(msgid)
        assert found == expected, msgid
