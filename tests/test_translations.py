"""Chinese is the default language: every string the code marks for translation has its Chinese."""

import gettext
import re
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from tests.source_files import PACKAGES, ROOT, python_sources

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


# Text that escapes gettext: the scans below fail on a word a person would read
# that no translation tag or gettext call carries.

LETTERS = re.compile(r"[A-Za-z]{2,}|[\u3400-\u9fff]+")
CJK = re.compile(r"[\u3400-\u9fff]")
TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
TRANSLATED_BLOCK = re.compile(
    r"\{%-?\s*block(?:trans|translate)\b.*?%\}.*?\{%\s*endblock(?:trans|translate)\s*%\}", re.DOTALL
)
# Blocks that fill an attribute or a script, not the page: class names, the viewport, inline JS.
NOT_TEXT_BLOCK = re.compile(
    r"\{%\s*block\s+(\w*(?:class|viewport|script|js|css|style|onbodyload)\w*)\s*%\}.*?\{%\s*endblock(?:\s+\1)?\s*%\}",
    re.DOTALL,
)
COMMENTS = re.compile(r"\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}|\{#.*?#\}|<!--.*?-->", re.DOTALL)
NOT_READ = re.compile(r"<(script|style)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
READ_ATTRIBUTE = re.compile(
    r"""\s(alt|title|placeholder|aria-label|aria-description|aria-roledescription|aria-valuetext|label)"""
    r"""\s*=\s*("[^"]*"|'[^']*')""",
    re.IGNORECASE,
)
BUTTON_INPUT = re.compile(r"<input\b[^>]*\btype=[\"']?(?:submit|button|reset)\b[^>]*>", re.IGNORECASE | re.DOTALL)
VALUE = re.compile(r"""\bvalue\s*=\s*("[^"]*"|'[^']*')""", re.IGNORECASE)


def our_templates():
    for app in PACKAGES:
        for path in sorted((ROOT / app).rglob("templates/**/*")):
            if path.suffix in (".html", ".txt") and path.is_file():
                yield path


def untranslated_in_template(text):
    """The words of a template a person would read that are not inside a translation tag."""
    text = COMMENTS.sub(" ", text)
    text = TRANSLATED_BLOCK.sub(" ", text)
    text = NOT_TEXT_BLOCK.sub(" ", text)
    text = TEMPLATE_TAG.sub("\0", text)  # variables and {% translate %}: data or translated
    text = NOT_READ.sub(" ", text)
    found = [f'{name}="{value[1:-1]}"' for name, value in READ_ATTRIBUTE.findall(text) if LETTERS.search(value)]
    for button in BUTTON_INPUT.findall(text):
        found += [f"value={value}" for value in VALUE.findall(button) if LETTERS.search(value)]
    text = re.sub(r"<[^>]*>", " ", text, flags=re.DOTALL)
    text = re.sub(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);", " ", text)
    found += [line.strip() for line in text.replace("\0", " ").splitlines() if LETTERS.search(line)]
    return found


def test_the_scan_of_templates_finds_what_escapes_gettext():
    template = """{% load i18n %}{# a comment #}<a title="Open" aria-label="{% translate 'Close' %}">
    {% translate "Book" %} 预约</a><img alt="照片"><input type="submit" value="Go"> {{ service.title }}
    <p>Hello {% blocktranslate %}Dear {{ name }}{% endblocktranslate %}</p>"""
    assert untranslated_in_template(template) == ['title="Open"', 'alt="照片"', 'value="Go"', "预约", "Hello"]


def test_no_words_in_templates_outside_translation_tags():
    found = {
        str(path.relative_to(ROOT)): words
        for path in our_templates()
        if (words := untranslated_in_template(path.read_text(encoding="utf-8")))
    }
    assert found == {}


GETTEXT_CALLS = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "pgettext",
    "pgettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
# Chinese that is data, not interface: demo content and seeds, formats, the
# language's own name, records created once and edited in the admin afterwards.
DATA_FILES = {
    "marketplace/formats/zh_Hans/formats.py",
}
# The demo district (seed_demo and its tables) is content, every line of it.
DATA_FOLDERS = ("demo/",)
DATA_STRINGS = {
    ("marketplace/settings/base.py", "简体中文"),  # a language is named in itself in the switch
    ("marketplace/settings/base.py", "盘龙区公共服务云超市"),  # Wagtail's admin site name
    ("marketplace/booking/services.py", "到场支付"),  # Oscar payment source types: rows, named once
    ("marketplace/payment/facade.py", "在线支付"),
    ("catalog/services.py", "公共服务"),  # Oscar product class row
    ("cms/editorial.py", "新闻编辑"),  # editors' group names: rows in the database
    ("cms/editorial.py", "编辑"),
    ("cms/editorial.py", "审核发布流程"),  # the approval workflow and its task: rows, named in migration cms.0005
    ("cms/editorial.py", "审核员审批"),
}


def _call_name(func):
    return getattr(func, "id", None) or getattr(func, "attr", None)


def untranslated_chinese_in_python(source):
    """Chinese string literals outside gettext calls and docstrings."""
    import ast

    tree = ast.parse(source)
    covered = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node.func) in GETTEXT_CALLS:
            covered.update(id(inner) for inner in ast.walk(node))
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            covered.add(id(body[0].value))  # a docstring
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and CJK.search(node.value)
        and id(node) not in covered
        and not node.value.startswith("^")  # a regular expression accepting Chinese input
    ]


def test_the_scan_of_python_finds_chinese_outside_gettext():
    source = 'from x import _\nA = _("预约")\nB = "预约"\ndef f():\n    """说明"""\n    raise E(f"{A}已满")\n'
    assert untranslated_chinese_in_python(source) == ["预约", "已满"]


def test_no_chinese_interface_text_in_python_outside_gettext():
    found = {}
    for path in python_sources(PACKAGES):
        name = str(path.relative_to(ROOT))
        if name in DATA_FILES or name.startswith(DATA_FOLDERS):
            continue
        strings = [
            text
            for text in untranslated_chinese_in_python(path.read_text(encoding="utf-8"))
            if (name, text) not in DATA_STRINGS
        ]
        if strings:
            found[name] = strings
    assert found == {}
