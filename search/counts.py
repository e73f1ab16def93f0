"""A search's total and facet counts, kept for a few minutes and thrown away when any document changes.

Counting is most of a broad search's time (every match is visited to be
grouped, BENCHMARKS.md, Search), and the same counts are asked again and
again: the pages of one search share them, a sector page is the same
text-free search for everyone, and residents type the same few words.
So the database backend keeps each search's counts in the default cache
under the documents' version, a number in the database that goes up when
a transaction that wrote documents commits. Counts are therefore never
stale, whichever process or cache reads them: a new version is a new key.

What is left out, on purpose:

- the next open slot (bookings, time passing) changes no count but those of
  "open place within N days", and those searches are never kept;
- inside a transaction that wrote documents, searches count afresh: that
  transaction sees rows nobody else sees yet.
"""

import hashlib
import json

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F

from search.models import DocumentsVersion

CACHE_SECONDS = 300
CACHE_PREFIX = "sitesearch:counts"


def version():
    return DocumentsVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def _bump():
    if not DocumentsVersion.objects.filter(pk=1).update(version=F("version") + 1):
        DocumentsVersion.objects.get_or_create(pk=1, defaults={"version": 1})


def documents_changed():
    """Called by every write of documents: the counts kept so far are dropped once it commits."""
    if not connection.in_atomic_block:
        _bump()
    elif not _uncommitted_writes():
        # After the commit, in a statement of its own: the row is never held for a whole edit,
        # so two editors' transactions never wait on each other for it.
        transaction.on_commit(_bump)


def _uncommitted_writes():
    # Django forgets the callbacks of a transaction (or savepoint) rolled back: the bump still
    # waiting is exactly "this transaction wrote documents that are not committed yet".
    return any(entry[1] is _bump for entry in connection.run_on_commit)


def key(query, groups, match_any):
    """The cache key of the counts of ``query``: what decides them, and not its page or order."""
    if query.available_within_days is not None or _uncommitted_writes():
        return None
    decides = {
        "groups": groups,
        "match_any": match_any,
        "categories": sorted(query.categories),
        "streets": sorted(query.streets),
        "communities": sorted(query.communities),
        "providers": sorted(str(value) for value in query.providers),
        "free": query.free,
        "modes": sorted(query.modes),
        "facets": query.facets,
    }
    digest = hashlib.sha256(json.dumps(decides, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    return f"{CACHE_PREFIX}:{connection.vendor}:{version()}:{digest}"


def get(cache_key):
    """(total, facets) kept under ``cache_key``, or None."""
    return cache.get(cache_key) if cache_key else None


def keep(cache_key, total, facets):
    if cache_key:
        cache.set(cache_key, (total, facets), CACHE_SECONDS)
