"""Paid offerings and a configured gateway, for the payment tests (imported by the API and acceptance ones too)."""

from decimal import Decimal

import pytest

from catalog.services import add_offering, create_service

GATEWAY = "https://pay.example.com/v1"
SECRET = "whsec-test"


@pytest.fixture
def paid_service(sector):
    return create_service("中医理疗", sector, summary="推拿理疗", cancel_until_hours=2, max_active_per_resident=2)


@pytest.fixture
def paid_offering(paid_service, provider):
    return add_offering(paid_service, provider, Decimal("30.00"))


@pytest.fixture
def paid_slot(make_slot, paid_offering):
    return make_slot(paid_offering, capacity=1)


@pytest.fixture
def on_site_offering(paid_offering):
    paid_offering.pay_on_site = True
    paid_offering.save(update_fields=["pay_on_site"])
    return paid_offering


@pytest.fixture
def real_gateway(settings):
    """A configured gateway (its HTTP mocked with ``responses`` by each test)."""
    settings.PAYMENT_GATEWAY_URL = GATEWAY
    settings.PAYMENT_GATEWAY_KEY = "sk-test"
    settings.PAYMENT_GATEWAY_SECRET = SECRET
    return GATEWAY
