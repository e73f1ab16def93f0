"""A resident books a paid service on the web, pays at the (sandbox) gateway, and the district sees the money;
then cancels in time and is refunded. Another pays on site."""

# ruff: noqa: F811 (the paid fixtures are imported, and pytest passes them by name)

import re
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from marketplace.booking.models import Booking
from tests.conftest import PASSWORD
from tests.marketplace.payment.conftest import on_site_offering, paid_offering, paid_service, paid_slot  # noqa: F401


def signed_in(user):
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    client.cookies["django_language"] = "en"
    return client


def to_preview(client, service, slot):
    response = client.post(
        reverse("basket:add", kwargs={"pk": service.pk}),
        {"quantity": 1, "slot": slot.pk, "next": reverse("checkout:index")},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("checkout:preview")
    return response


def test_book_pay_see_it_paid_in_the_dashboard_then_cancel_and_be_refunded(
    resident, admin_user, paid_service, paid_slot, django_capture_on_commit_callbacks
):
    client = signed_in(resident)
    preview = to_preview(client, paid_service, paid_slot)
    assert "your place is held for 15 minutes" in preview.content.decode()

    done = client.post(reverse("checkout:preview"), {"action": "place_order"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("checkout:thank-you")
    booking = Booking.objects.get(user=resident)
    assert booking.status == Booking.Status.PENDING_PAYMENT
    thanks = done.content.decode()
    assert "Pay to confirm your booking" in thanks
    assert "Pay now ¥30.00 (place held until" in thanks

    to_gateway = client.post(reverse("payment:pay", kwargs={"code": booking.code}))
    assert "¥30.00" in client.get(to_gateway.url).content.decode()
    back = client.post(to_gateway.url, {"decision": "approve"}, follow=True)
    assert back.redirect_chain[-1][0] == reverse("booking-detail", kwargs={"code": booking.code})
    assert "paid online" in back.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED

    dashboard = signed_in(admin_user)
    order_page = dashboard.get(reverse("dashboard:order-detail", kwargs={"number": booking.order.number}))
    assert order_page.status_code == 200
    html = order_page.content.decode()
    assert "Paid" in html and "30.00" in html

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("booking-cancel", kwargs={"code": booking.code}))
    page = client.get(reverse("booking-detail", kwargs={"code": booking.code})).content.decode()
    assert "refunded in full" in page
    # The district's booking record: paid 30.00 and refunded 30.00 through the gateway.
    record = dashboard.get(reverse("dashboard:order-detail", kwargs={"number": booking.order.number})).content.decode()
    assert re.search(r"<td>[^<]*30\.00[^<]*</td>\s*<td>[^<]*30\.00[^<]*</td>", record)


def test_a_resident_chooses_to_pay_on_site(resident, paid_service, on_site_offering, make_slot):
    slot = make_slot(on_site_offering)
    client = signed_in(resident)
    preview = to_preview(client, paid_service, slot)
    assert 'value="on_site"' in preview.content.decode()

    done = client.post(reverse("checkout:preview"), {"action": "place_order", "payment_method": "on_site"}, follow=True)

    booking = Booking.objects.get(user=resident)
    assert booking.status == Booking.Status.BOOKED
    assert "¥30.00 · pay on site" in done.content.decode()
    assert reverse("payment:pay", kwargs={"code": booking.code}) not in done.content.decode()
    assert booking.order.sources.get().amount_allocated == Decimal("30.00")
