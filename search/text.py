"""Chinese text for search: tokens, synonyms, pinyin keys and highlighting.

SQLite FTS5 and PostgreSQL read a run of Han characters as one word, so
text is cut into words with jieba (rjieba) before it reaches them, at index
and at query time alike (DESIGN.md §8).
"""

import re
from functools import lru_cache
from pathlib import Path

import rjieba
from django.utils.html import escape
from django.utils.safestring import mark_safe
from pypinyin import Style, lazy_pinyin

# Words are runs of letters and digits; everything else separates them.
WORD = re.compile(r"[^\W_]+", re.UNICODE)
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Longest text a query may carry into the engines.
MAX_QUERY_LENGTH = 100
MAX_QUERY_WORDS = 12


def is_han(text):
    return bool(HAN.search(text))


def index_tokens(text):
    """Every token a document is findable by: jieba's search cut plus every Han character.

    Single characters are indexed so that a one-character query (律) finds
    words jieba keeps whole (律师, 法律).
    """
    tokens = []
    seen = set()
    for piece in WORD.findall((text or "").lower()):
        candidates = rjieba.cut_for_search(piece) if is_han(piece) else [piece]
        if is_han(piece):
            candidates = [*candidates, *HAN.findall(piece)]
        for token in candidates:
            token = token.strip()
            if token and WORD.fullmatch(token) and token not in seen:
                seen.add(token)
                tokens.append(token)
    return tokens


def index_text(text):
    return " ".join(index_tokens(text))


def finest(words):
    """Drop the words that contain another of the words: 法律咨询 next to 法律 and 咨询."""
    unique = list(dict.fromkeys(words))
    return [word for word in unique if not any(other != word and other in word for other in unique)]


def query_words(text):
    """The words of a query, in order, each as its finest tokens: [[法律, 咨询], [free]]."""
    text = (text or "")[:MAX_QUERY_LENGTH].lower()
    words = []
    for piece in WORD.findall(text):
        if not is_han(piece):
            words.append(piece)
            continue
        for word in rjieba.cut(piece):
            word = word.strip()
            if word and WORD.fullmatch(word):
                words.append(word)
    return list(dict.fromkeys(words))[:MAX_QUERY_WORDS]


def word_tokens(word):
    """The tokens a document must all carry to match one query word."""
    if not is_han(word) or len(word) == 1:
        return [word]
    return finest([token for token in rjieba.cut_for_search(word) if WORD.fullmatch(token)]) or [word]


def expand(words, synonyms):
    """Each query word as alternatives, each alternative a list of tokens (all required).

    [[["律师"], ["法律", "顾问"]], [["免费"]]] reads as
    (律师 OR (法律 AND 顾问)) AND 免费.
    """
    groups = []
    start = 0
    while start < len(words):
        # The longest run of words that is a synonym entry: jieba cuts 打疫苗 into 打 and 疫苗.
        end = next(
            (end for end in range(min(len(words), start + 4), start, -1) if "".join(words[start:end]) in synonyms),
            start + 1,
        )
        phrase = "".join(words[start:end])
        alternatives = [[token for word in words[start:end] for token in word_tokens(word)]]
        for other in synonyms.get(phrase, ()):
            tokens = [token for part in query_words(other) for token in word_tokens(part)]
            if tokens and tokens not in alternatives:
                alternatives.append(tokens)
        groups.append(alternatives)
        start = end
    return groups


# Words that carry no need of their own ("how do I", 怎么办): a query relaxed to its parts leaves them out,
# or every service that says 办理 or "the" would be one of the parts' results. A list, kept as data.
FILLER_WORDS = frozenset(
    word
    for line in (Path(__file__).with_name("filler_words.txt")).read_text(encoding="utf-8").splitlines()
    if not line.startswith("#")
    for word in line.split()
)


def relaxed(words, synonyms):
    """A query that found nothing, as its parts: (groups of which any may match, the words searched).

    Every word worth looking for on its own is one part, with its synonyms, and so is any of its
    pieces (a long Chinese word jieba keeps whole is cut into two-character pieces).
    Single Chinese characters and filler words are left out: they would find nearly everything.
    """
    kept = [word for word in words if word not in FILLER_WORDS and not (is_han(word) and len(word) == 1)]
    groups = []
    for word in kept:
        alternatives = expand([word], synonyms)[0]
        tokens = word_tokens(word)
        if is_han(word) and len(word) >= 3 and tokens == [word]:
            tokens = [word[start : start + 2] for start in range(len(word) - 1)]
        # Each piece of the word on its own, with its synonyms: 立遗嘱 is looked for as 遗嘱 (继承, 遗产…).
        for token in tokens:
            if token != word:
                alternatives.extend(other for other in expand([token], synonyms)[0] if other not in alternatives)
        groups.append(alternatives)
    return groups, kept


def highlight_terms(groups):
    """The strings to mark in a hit: every word and synonym the query stood for."""
    terms = set()
    for alternatives in groups:
        for tokens in alternatives:
            terms.add("".join(tokens))
            terms.update(tokens)
    return sorted(terms, key=len, reverse=True)


def highlight(text, terms):
    """``text`` escaped, with every term wrapped in <mark>; safe to print."""
    text = text or ""
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(term) for term in terms if term), re.IGNORECASE)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))


@lru_cache(maxsize=4096)
def _syllables(word):
    return lazy_pinyin(word, errors="ignore"), lazy_pinyin(word, style=Style.FIRST_LETTER, errors="ignore")


def suggest_keys(title):
    """Prefixes a title is suggested for: from each word on, in characters, pinyin and initials.

    免费法律咨询 → 免费法律咨询, mianfeifalvzixun, mfflzx, 法律咨询, falvzixun, flzx, 咨询, …
    """
    words = [word for word in rjieba.cut((title or "").lower()) if WORD.fullmatch(word)]
    keys = []
    for start in range(len(words)):
        rest = words[start:]
        full, initials = [], []
        for word in rest:
            syllables, letters = _syllables(word) if is_han(word) else ([word], [word[:1]])
            full.extend(syllables)
            initials.extend(letters)
        for key in ("".join(rest), "".join(full), "".join(initials)):
            if key and key not in keys:
                keys.append(key[:100])
    return keys


def suggest_prefix(text):
    """A typed prefix as it is looked up: lower case, no spaces or punctuation (fa lv → falv)."""
    return "".join(WORD.findall((text or "").lower()))[:100]
