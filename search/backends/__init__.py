"""Search backends: the database (default) or Elasticsearch, chosen by ``SEARCH_BACKEND``.

Every backend answers ``search(query, groups, now, match_any)`` with a RawResult (every group of
words must match, or with ``match_any`` any one) and
``suggest(prefix, limit)`` with product ids; ``sync``, ``update_availability``
and ``reset`` keep an external index in step with ServiceDocument (the
database backend searches ServiceDocument itself, so they do nothing there).
"""

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SearchUnavailable(Exception):
    """The search engine could not answer (down, too slow, or refusing): the page says so instead of failing."""


class Backend:
    # An external index is written after the database commits; the database backend needs no writes.
    external = False

    def search(self, query, groups, now, match_any=False):
        raise NotImplementedError

    def suggest(self, prefix, limit):
        raise NotImplementedError

    def sync(self, documents, gone_ids):
        """Documents (dicts from search.documents.build) written, ids of services no longer found."""

    def update_availability(self, next_slots):
        """{product id: next open slot start or None}."""

    def reset(self):
        """Before a rebuild: start from an empty index."""


@cache
def _backend(name):
    if name == "database":
        from search.backends.database import DatabaseBackend

        return DatabaseBackend()
    if name == "elasticsearch":
        from search.backends.elastic import ElasticsearchBackend

        return ElasticsearchBackend.from_settings()
    raise ImproperlyConfigured(f"SEARCH_BACKEND must be 'database' or 'elasticsearch', not {name!r}")


def get_backend():
    return _backend(settings.SEARCH_BACKEND)
