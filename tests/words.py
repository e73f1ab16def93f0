"""Which of a page's forbidden words it carries, as a reader would see them."""

import re


def words_on(text, words):
    """The ``words`` found in ``text``: a Chinese word anywhere, a Latin one only as a whole word.

    Booking codes are eight random letters and digits, so a code such as 7SKU4Q2B turns up now and then;
    it is not the word "SKU" (CI failed once on exactly that).
    """
    return [word for word in words if re.search(_pattern(word), text)]


def _pattern(word):
    if word.isascii():
        return rf"(?<![0-9A-Za-z_]){re.escape(word)}(?![0-9A-Za-z_])"
    return re.escape(word)
