"""Whole pages kept for anonymous visitors (issue 23 item 3): the home, sector and service pages.

Rendering a service page costs some thirty queries and most of a worker's time; an anonymous visitor
sees the same page as every other anonymous visitor with the same language, mode and chosen community.
So the answer is kept in the default cache (Redis in production, shared by every process) and later
visitors get it back before authentication, the audit door, Wagtail's page lookup or any template runs.

What a page looks like depends on, and what is therefore part of the key: the host and scheme, the
path and query string ("choose where": ?provider, ?day, ?lat/?lng; the sector page's filters), the
language (the switch's cookie), elderly mode (its cookie) and the session values pages read for an
anonymous visitor (the community they chose: registered by the pages with :func:`vary_on_session`).
The key is a hash, so a visitor's position in the query string is never stored in clear.

Never kept or served from the cache: a signed-in visitor, a visitor with messages waiting (cookie or
session), any method but GET, an answer that is not a plain 200, an answer that sets a cookie of its
own (something happened to this visitor), a page under a view restriction. Only pages that ask for it
(:func:`offer`, called as the page is served) are kept.

CSRF: every page carries forms that POST (the language and elderly-mode switches in the header, the
community choice, "book", "join the waiting list"), each with this visitor's CSRF token. A kept page
must not hand one visitor's token to another (a token known to others defeats the protection), and
dropping the tokens would break those forms. So before a page is kept, every token of the visitor it
was rendered for is replaced by a placeholder, and each visitor served from the cache gets their own
token put back (``get_token``, which also sets their CSRF cookie when they have none): the forms work
and no token is shared. The answer says ``Cache-Control: private`` for that reason, so no shared proxy
keeps it, with a short ``max-age`` (PAGE_CACHE_BROWSER_SECONDS).

Freshness: each kept page remembers the versions it was rendered under: the site's (replaced when a
page is published, unpublished, moved or deleted and when menus or site settings change) and, for a
service page, its service's (replaced when a place is taken or given back and when slots are made,
closed, reopened, resized or removed). A version that has changed makes the kept page stale at once.
Versions are replaced at the change and again when its transaction commits: a page rendered in
between from the data before the commit is then not kept under the newest version.

What a page shows also depends on the clock (a slot passes the minimum notice or leaves the
book-ahead window; the home page's popular services; ratings) with no event to bump a version: a kept
page lives PAGE_CACHE_SECONDS at most (60 by default; 0 turns the cache off), which bounds how long
a slot that has just become unbookable can still show. With a per-process cache (the local-memory
default) a change made in one process is seen by another within that time too.
"""

import hashlib
import logging
import re
import uuid

from django.conf import settings
from django.contrib.auth import SESSION_KEY as SIGNED_IN_SESSION_KEY
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware import csrf
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from marketplace import elderly

logger = logging.getLogger(__name__)

SITE_VERSION_KEY = "pages:version:site"
# Stands where a visitor's CSRF token was; cannot be a token itself (tokens are letters and digits only).
TOKEN_PLACEHOLDER = b"{{page-cache:csrf-token}}"
_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{%d}(?![A-Za-z0-9])" % csrf.CSRF_TOKEN_LENGTH)
# Set by the page itself (Content-Length follows the content; cookies are never kept).
_NOT_KEPT_HEADERS = {"content-length", "set-cookie", "cache-control"}

_session_keys = []


def vary_on_session(key):
    """Pages read the anonymous visitor's session value ``key``: keep a copy per value."""
    if key not in _session_keys:
        _session_keys.append(key)


def service_version_key(service_id):
    return f"pages:version:service:{service_id}"


def _replace_versions(keys):
    def replace():
        try:
            cache.set_many({key: uuid.uuid4().hex for key in keys}, None)
        except Exception:
            # A booking or a publication never fails for the page cache; kept pages expire by themselves.
            logger.warning("Page cache out of reach: kept pages go stale within PAGE_CACHE_SECONDS")

    replace()
    transaction.on_commit(replace)


def site_changed(**kwargs):
    """Every kept page is stale (a signal receiver, hence **kwargs)."""
    _replace_versions([SITE_VERSION_KEY])


def services_changed(service_ids):
    """The kept pages of these services (catalogue product ids) are stale: their free places changed."""
    keys = [service_version_key(pk) for pk in set(service_ids) if pk is not None]
    if keys:
        _replace_versions(keys)


def _versions(keys):
    """The current version under each key, made when missing (evicted or never set): never None."""
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, uuid.uuid4().hex, None)
            found[key] = cache.get(key)
    return [found[key] for key in keys]


def _version_keys(service_id):
    return [SITE_VERSION_KEY] if service_id is None else [SITE_VERSION_KEY, service_version_key(service_id)]


def _entry_key(request):
    """The cache key of the page this request asks for, or None when no kept page may answer it."""
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method != "GET":
        return None
    if CookieStorage.cookie_name in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
        return None
    session_values = []
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        session = request.session
        if SIGNED_IN_SESSION_KEY in session or SessionStorage.session_key in session:
            return None
        session_values = [session.get(key) for key in _session_keys]
    parts = [
        request.scheme,
        request.get_host(),
        request.path,
        request.META.get("QUERY_STRING", ""),
        translation.get_language(),
        request.COOKIES.get(elderly.COOKIE) == "1",
        *session_values,
    ]
    return "pages:page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def may_keep(request):
    """Whether the page answering ``request`` may be kept (an anonymous GET the cache did not answer)."""
    return getattr(request, "_page_cache_key", None) is not None


def offer(request, service_id=None):
    """Called by a page as it starts to serve ``request``: its answer may be kept for other anonymous
    visitors, stale when the site's or (for a service page) ``service_id``'s version changes.

    The versions are read now, before the page reads the database: a change made while it renders
    leaves the kept copy stale rather than current.
    """
    if not may_keep(request):
        return
    try:
        request._page_cache_versions = (service_id, _versions(_version_keys(service_id)))
    except Exception:
        logger.warning("Page cache out of reach: the page is served, not kept")


def _with_placeholders(content, secret):
    """``content`` with every CSRF token made from ``secret`` replaced by the placeholder."""

    def hide(match):
        token = match.group().decode()
        return TOKEN_PLACEHOLDER if csrf._unmask_cipher_token(token) == secret else match.group()

    return _TOKEN.sub(hide, content)


def _keepable(request, response):
    user = getattr(request, "user", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not (user is not None and user.is_authenticated)
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _for_browsers(response):
    # Private: the page carries this visitor's own CSRF token, and varies with their cookies.
    patch_cache_control(response, private=True, max_age=settings.PAGE_CACHE_BROWSER_SECONDS)
    patch_vary_headers(response, ("Cookie",))
    return response


def _keep(request, response, key):
    service_id, versions = request._page_cache_versions
    secret = request.META.get("CSRF_COOKIE")
    content = _with_placeholders(response.content, secret) if secret else response.content
    headers = [(name, value) for name, value in response.items() if name.lower() not in _NOT_KEPT_HEADERS]
    entry = {"service": service_id, "versions": versions, "content": content, "headers": headers}
    cache.set(key, entry, settings.PAGE_CACHE_SECONDS)


def _replay(request, entry):
    content = entry["content"]
    if TOKEN_PLACEHOLDER in content:
        content = content.replace(TOKEN_PLACEHOLDER, csrf.get_token(request).encode())
    response = HttpResponse(content)
    for name, value in entry["headers"]:
        response[name] = value
    return _for_browsers(response)


class PageCacheMiddleware:
    """Answers anonymous GETs of kept pages, and keeps the pages that offer themselves.

    Placed after the session, locale and CSRF middleware (it reads the session, the language and
    the CSRF cookie, and the CSRF middleware sets the cookie of a visitor given a token) and before
    the rest, which a kept page does not need.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _entry_key(request)
        if key is not None:
            try:
                entry = cache.get(key)
                if entry is not None and entry["versions"] == _versions(_version_keys(entry["service"])):
                    return _replay(request, entry)
            except Exception:
                # A cache out of reach is a miss: the page is rendered, and /healthz names the cache.
                logger.warning("Page cache out of reach: the page is rendered")
                key = None
            else:
                request._page_cache_key = key
        response = self.get_response(request)
        if key is not None and hasattr(request, "_page_cache_versions") and _keepable(request, response):
            try:
                _keep(request, response, key)
            except Exception:
                logger.warning("Page cache out of reach: the page is not kept")
            _for_browsers(response)
        return response
