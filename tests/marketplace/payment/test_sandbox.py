"""The sandbox gateway the app serves itself: a paid booking from the booking page to paid, nothing outside."""

# ruff: noqa: F811 (the paid fixtures are imported, and pytest passes them by name)

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace.booking import services
from marketplace.booking.models import Booking
from marketplace.payment import facade
from marketplace.payment.models import GatewayPayment, SandboxPayment, WebhookEvent
from tests.conftest import PASSWORD
from tests.marketplace.payment.conftest import paid_offering, paid_service, paid_slot  # noqa: F401
from tests.marketplace.payment.test_facade import money_recorded


@pytest.fixture
def browser(resident):
    client = Client()
    assert client.login(email=resident.email, password=PASSWORD)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def pending(resident, paid_slot):
    return services.book(resident, paid_slot.pk)


def test_the_booking_page_offers_to_pay_with_the_hold_time(browser, pending):
    page = browser.get(reverse("booking-detail", kwargs={"code": pending.code})).content.decode()

    assert reverse("payment:pay", kwargs={"code": pending.code}) in page
    assert "¥30.00" in page
    assert f"held until {timezone.localtime(pending.hold_expires_at):%H:%M}" in page


def test_approving_on_the_sandbox_page_confirms_the_booking_through_the_webhook(browser, pending):
    to_gateway = browser.post(reverse("payment:pay", kwargs={"code": pending.code}))
    sandbox_page = browser.get(to_gateway.url)
    assert sandbox_page.status_code == 200
    assert "¥30.00" in sandbox_page.content.decode()
    assert "中医理疗" in sandbox_page.content.decode()

    back = browser.post(to_gateway.url, {"decision": "approve"}, follow=True)

    assert back.redirect_chain[-1][0] == reverse("booking-detail", kwargs={"code": pending.code})
    page = back.content.decode()
    assert "paid online" in page
    pending.refresh_from_db()
    assert pending.status == Booking.Status.BOOKED
    assert WebhookEvent.objects.count() == 1  # it came the way a real gateway's does
    assert money_recorded(pending)[0] == Decimal("30.00")


def test_declining_keeps_the_place_held_and_the_resident_can_pay_again(browser, pending):
    to_gateway = browser.post(reverse("payment:pay", kwargs={"code": pending.code}))

    back = browser.post(to_gateway.url, {"decision": "decline"}, follow=True)

    assert "declined" in back.content.decode()
    pending.refresh_from_db()
    assert pending.status == Booking.Status.PENDING_PAYMENT
    again = browser.post(reverse("payment:pay", kwargs={"code": pending.code}))
    assert again.url != to_gateway.url
    assert GatewayPayment.objects.filter(booking=pending).count() == 2


def test_the_same_pending_payment_gives_the_same_sandbox_page(pending):
    assert facade.start_payment(pending) == facade.start_payment(pending)
    assert SandboxPayment.objects.count() == 1


def test_someone_else_cannot_pay_or_see_my_booking(other_resident, pending):
    client = Client()
    assert client.login(email=other_resident.email, password=PASSWORD)
    assert client.post(reverse("payment:pay", kwargs={"code": pending.code})).status_code == 404


def test_a_free_booking_has_no_pay_button(browser, resident, slot):
    booking = services.book(resident, slot.pk)
    page = browser.get(reverse("booking-detail", kwargs={"code": booking.code})).content.decode()
    assert reverse("payment:pay", kwargs={"code": booking.code}) not in page
    response = browser.post(reverse("payment:pay", kwargs={"code": booking.code}), follow=True)
    assert "nothing to pay online" in response.content.decode()


def test_an_unknown_sandbox_payment_is_not_found(browser):
    assert browser.get(reverse("payment:sandbox", kwargs={"public_id": "sbx_nope"})).status_code == 404


def test_with_a_real_gateway_configured_the_sandbox_page_does_not_exist(browser, pending, settings):
    to_gateway = browser.post(reverse("payment:pay", kwargs={"code": pending.code}))
    settings.PAYMENT_GATEWAY_URL = "https://pay.gateway.test/v1"

    assert browser.get(to_gateway.url).status_code == 404
    assert browser.post(to_gateway.url, {"decision": "approve"}).status_code == 404
    pending.refresh_from_db()
    assert pending.status == Booking.Status.PENDING_PAYMENT
