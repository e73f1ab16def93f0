"""While the database or Redis is out of reach the site answers 503 with a code, never 500, and a cache on
Redis out of reach is served without. The outages are real: the database connection pointed where nothing
answers (tests/marketplace/test_health.py's fixture), Redis on a port nobody listens on."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings

from marketplace import outage
from tests.marketplace.api.conftest import API, authorised_client
from tests.marketplace.test_health import unreachable_database  # noqa: F401 (a fixture, passed by name)

CLOSED_REDIS = "redis://127.0.0.1:1/0"
OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
FORGIVING_CACHE = {"BACKEND": "marketplace.caching.ForgivingRedisCache", "LOCATION": CLOSED_REDIS, "OPTIONS": OPTIONS}
STRICT_CACHE = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED_REDIS, "OPTIONS": OPTIONS}
# production.py's sessions: read from Redis, written through to the database.
SESSIONS_ON_CLOSED_REDIS = {
    "CACHES": {**settings.CACHES, "sessions": STRICT_CACHE},
    "SESSION_ENGINE": "django.contrib.sessions.backends.cached_db",
    "SESSION_CACHE_ALIAS": "sessions",
}


def browser(**kwargs):
    """A client that gets the answer a browser would, not the exception."""
    return Client(raise_request_exception=False, **kwargs)


def test_the_api_answers_503_unavailable_while_the_database_is_out_of_reach(unreachable_database):  # noqa: F811
    response = browser().get("/api/v1/categories")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "unavailable" and body["detail"]
    assert response["Retry-After"] == "30"


def test_a_page_answers_503_in_chinese_while_the_database_is_out_of_reach(unreachable_database):  # noqa: F811
    response = browser().get("/")
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()


def test_in_english_for_a_visitor_who_chose_english(unreachable_database):  # noqa: F811
    visitor = browser()
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = visitor.get("/")
    assert response.status_code == 503
    assert "The service is briefly unavailable" in response.content.decode()


def test_any_other_error_is_still_a_500():
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = outage.server_error(request)
    assert response.status_code == 500


@pytest.mark.django_db
def test_pages_are_served_from_the_database_while_the_caches_redis_is_away(client, service_page):
    with override_settings(CACHES={**settings.CACHES, "default": FORGIVING_CACHE}):
        response = client.get(service_page.url)
    assert response.status_code == 200
    assert service_page.title in response.content.decode()


@pytest.mark.django_db
def test_a_signed_in_resident_gets_503_while_the_sessions_redis_is_away(resident, home_page):
    visitor = browser()
    visitor.force_login(resident)  # the session is in the database: production writes it through
    with override_settings(**SESSIONS_ON_CLOSED_REDIS):
        response = visitor.get("/shop/accounts/bookings/")
        anonymous = browser().get(home_page.url)
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()
    assert anonymous.status_code == 200


def test_the_forgiving_cache_reads_a_miss_and_drops_writes_when_redis_is_away():
    from django.core.cache import caches

    with override_settings(CACHES={**settings.CACHES, "default": FORGIVING_CACHE}):
        cache = caches["default"]
        assert cache.set("key", "value", 30) is None
        assert cache.get("key", "default") == "default"
        assert cache.add("key", "value") is False
        assert cache.get_many(["key"]) == {}
        assert cache.get_or_set("key", "computed") == "computed"
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert cache.delete("key") is False


@pytest.mark.django_db
def test_the_api_books_and_lists_with_bearer_tokens_while_redis_is_away(resident, slot):
    """README, Outages: the API (tokens in the database) keeps working without Redis, as the production
    layout has it: the cache forgiving, sessions and rate-limit counters on Redis."""
    resident_api = authorised_client(resident)
    resident_api.raise_request_exception = False
    caches = {
        **settings.CACHES,
        "default": FORGIVING_CACHE,
        "sessions": STRICT_CACHE,
        settings.RATELIMIT_USE_CACHE: STRICT_CACHE,
    }
    redis_away = {"CACHES": caches, "SESSION_ENGINE": "django.contrib.sessions.backends.cached_db"}
    with override_settings(**redis_away, SESSION_CACHE_ALIAS="sessions"):
        booked = resident_api.post(f"{API}/bookings", {"slot": slot.pk}, content_type="application/json")
        listed = resident_api.get(f"{API}/bookings")
    assert booked.status_code == 201, booked.content
    assert [row["code"] for row in listed.json()["results"]] == [booked.json()["code"]]
    slot.refresh_from_db()
    assert slot.num_booked == 1
