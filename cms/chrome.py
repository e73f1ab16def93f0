"""The site's chrome (menus, sector links, site settings) kept across requests.

Every page's header and footer ask for the same few rows (seven queries, a quarter of a service page's
CPU). They change only when an editor saves a menu or the site settings, or publishes, unpublishes,
moves or deletes a page, so they are kept in the default cache under a version that each of those
changes replaces. With a cache shared by every process (Redis in production) a change shows at once
everywhere; with a per-process cache (the local-memory default) another process sees it within
CMS_CHROME_CACHE_SECONDS.
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

VERSION_KEY = "cms:chrome:version"


def _version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def forget(**kwargs):
    """Replace the version: every process asks the database again (a signal receiver, hence **kwargs)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def kept(request, key, compute):
    """``compute()``, asked once per request and kept across requests for this host and language."""
    per_request = request.__dict__.setdefault("_cms_chrome", {}) if request is not None else {}
    if key in per_request:
        return per_request[key]
    if request is None:
        value = compute()
    else:
        if "version" not in per_request:
            per_request["version"] = _version()
        shared_key = f"cms:chrome:{per_request['version']}:{request.get_host()}:{translation.get_language()}:{key}"
        value = cache.get(shared_key)
        if value is None:
            value = compute()
            cache.set(shared_key, value, settings.CMS_CHROME_CACHE_SECONDS)
    per_request[key] = value
    return value
