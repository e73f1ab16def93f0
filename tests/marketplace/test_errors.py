"""Domain errors share one base and carry no HTTP status; the doors answer by one table of codes."""

import importlib

import pytest

from marketplace.answers import STATUS_BY_CODE, status_for
from marketplace.errors import DomainError

SERVICE_MODULES = (
    "marketplace.booking.services",
    "marketplace.booking.reschedule",
    "marketplace.booking.waitlist",
    "marketplace.payment.facade",
    "providers.closures",
    "providers.plans",
    "ratings.services",
)


def every_domain_error():
    for module in SERVICE_MODULES:
        importlib.import_module(module)
    found, todo = [], [DomainError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_domain_error_has_a_code_and_no_http_status():
    errors = every_domain_error()
    assert len(errors) > 40
    for error in errors:
        assert isinstance(error.code, str) and error.code, error
        assert not hasattr(error, "status"), f"{error.__module__}.{error.__name__} names an HTTP status"


@pytest.mark.parametrize(
    "code, status",
    [("not_found", 404), ("invalid", 400), ("not_staff", 403), ("payment_unavailable", 503), ("slot_full", 409)],
)
def test_a_code_is_answered_with_one_status_whatever_the_domain(code, status):
    error = type("Refusal", (DomainError,), {"code": code})("…")
    assert status_for(error) == status
    assert STATUS_BY_CODE.get(code, 409) == status


def test_an_api_refusal_is_answered_by_the_table(client, resident, slot, db):
    from marketplace.booking import services
    from tests.marketplace.api.conftest import API, assert_error, authorised_client

    services.book(resident, slot.pk)
    api = authorised_client(resident)
    body = assert_error(
        api.post(f"{API}/bookings", {"slot": slot.pk}, content_type="application/json"), 409, "already_booked"
    )
    assert body["detail"]
    assert_error(api.post(f"{API}/bookings", {"slot": 999999}, content_type="application/json"), 404, "not_found")
