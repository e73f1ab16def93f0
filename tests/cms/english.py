"""What of a page an editor reads that is English: the Wagtail admin in Chinese (issue 19, item 8).

Visible text is what the browser shows: text outside scripts and styles, and the attributes a person
reads or hears (placeholder, title, aria-label, alt, a button's value). Addresses, email addresses and
slugs are data, not words of the interface, and are left out.
"""

import re
from html.parser import HTMLParser

READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
HIDDEN = {"script", "style", "template", "noscript", "svg"}
WORDS = re.compile(r"[A-Za-z][A-Za-z'’]*(?:[ \u00a0]+[A-Za-z][A-Za-z'’]*)*")
# Tokens that are data rather than words: addresses, paths, emails, file names, slugs, codes.
DATA = re.compile(r"[/@._:=#\d-]")
PUNCTUATION = ".,:;!?()[]{}“”\"'‘’…。，：；！？（）「」《》"


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open = []  # the open elements as (tag, hides what is inside)
        self.parts = []

    @property
    def hidden(self):
        return any(hides for _tag, hides in self.open)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # A tab's panel is hidden until its tab is chosen, and is read then; other hidden parts are filled
        # in by scripts (a counter's "None" placeholder) or never shown.
        hides = tag in HIDDEN or ("hidden" in attrs and attrs.get("role") != "tabpanel")
        if not self.hidden and not hides:
            for name in READ_ATTRIBUTES:
                if attrs.get(name):
                    self.parts.append(attrs[name])
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(attrs["value"])
        if tag not in VOID:
            self.open.append((tag, hides))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.open.pop()

    def handle_endtag(self, tag):
        # Closes the latest open element of that name and any left unclosed inside it (<p>, <li>, <option>).
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html):
    """The page's words as a reader meets them, one string."""
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def english_in(html, allowed=()):
    """The English phrases a reader of ``html`` meets, less those in ``allowed``."""
    parser = VisibleText()
    parser.feed(html)
    return english_in_text(parser.parts, allowed)


def english_in_text(parts, allowed=()):
    """The English phrases in these pieces of text (a browser's ``inner_text``, say), less ``allowed``."""
    found = set()
    for part in [parts] if isinstance(parts, str) else parts:
        tokens = (token.strip(PUNCTUATION) for token in part.split())
        words = " ".join(token for token in tokens if not DATA.search(token))
        for phrase in WORDS.findall(words):
            if phrase not in allowed and not all(word in allowed for word in phrase.split()):
                found.add(phrase)
    return found
