"""The site's cache on Redis, where Redis out of reach is a cache miss rather than an error page.

What the default cache holds (the CMS chrome, search suggestions, computed fragments) can always be
computed again: while Redis is stopped or unreachable, a read answers "not cached", a write is
dropped, and the page is built from the database, slower but served. Each failure is logged (its
type only) and /healthz reports the cache failing (marketplace/health.py).

Sessions and the rate-limit counters are NOT on this backend (marketplace/settings/production.py):
a sign-out or a counted attempt that Redis did not hear would come back when Redis does, so those
answer 503 while Redis is away (marketplace/outage.py).
"""

import functools
import logging

import redis.exceptions
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def _forgiving(method, fallback):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as error:
            logger.warning(
                "Cache %s: Redis out of reach (%s), served without it", method.__name__, type(error).__name__
            )
            return fallback(*args, **kwargs)

    return call


class ForgivingRedisCache(RedisCache):
    """Django's Redis cache; unreachable Redis reads as a miss and drops writes (``incr`` still raises)."""

    get = _forgiving(RedisCache.get, lambda key, default=None, version=None: default)
    get_many = _forgiving(RedisCache.get_many, lambda keys, version=None: {})
    has_key = _forgiving(RedisCache.has_key, lambda key, version=None: False)
    add = _forgiving(RedisCache.add, lambda *args, **kwargs: False)
    set = _forgiving(RedisCache.set, lambda *args, **kwargs: None)
    # Django's contract: the keys that could not be set.
    set_many = _forgiving(RedisCache.set_many, lambda data, *args, **kwargs: list(data))
    touch = _forgiving(RedisCache.touch, lambda *args, **kwargs: False)
    delete = _forgiving(RedisCache.delete, lambda *args, **kwargs: False)
    delete_many = _forgiving(RedisCache.delete_many, lambda *args, **kwargs: None)
