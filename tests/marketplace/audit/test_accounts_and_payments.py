"""The people a resident books for, and a payment that arrives after its hold lapsed, are recorded."""

# ruff: noqa: F811 (the paid fixtures are imported, and pytest passes them by name)

from datetime import timedelta

import responses
from django.urls import reverse
from django.utils import timezone

from marketplace.audit.models import Action
from marketplace.booking import services
from marketplace.booking.models import Booking
from marketplace.users.models import Dependant
from tests.marketplace.api.conftest import API, authorised_client
from tests.marketplace.audit.conftest import entries
from tests.marketplace.payment.conftest import (  # noqa: F401
    GATEWAY,
    paid_offering,
    paid_service,
    paid_slot,
    real_gateway,
)
from tests.marketplace.payment.test_facade import post_webhook, remote, started


def test_adding_and_removing_a_dependant_is_the_residents_own(resident_client, resident):
    added = authorised_client(resident).post(
        f"{API}/dependants", {"name": "张奶奶", "relation": "grandparent"}, content_type="application/json"
    )
    dependant = Dependant.objects.get(pk=added.json()["id"])
    removed = resident_client.post(reverse("dependant-remove", kwargs={"dependant_id": dependant.pk}))

    assert (added.status_code, removed.status_code) == (201, 302)
    assert entries(person=resident) == [
        ("dependant_added", "api", "resident"),
        ("dependant_removed", "web", "resident"),
    ]
    # The record names the dependant by id and relation: their name stays on the resident's own list.
    assert [entry.detail for entry in Action.objects.all()] == [
        {"dependant": dependant.pk, "relation": "grandparent"},
        {"dependant": dependant.pk, "relation": "grandparent"},
    ]


def test_a_refused_dependant_leaves_no_entry(resident):
    response = authorised_client(resident).post(
        f"{API}/dependants", {"name": "", "relation": "parent"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert not Action.objects.exists()


@responses.activate
def test_a_payment_after_the_hold_lapsed_shows_the_place_booked_again(
    real_gateway, client, resident_client, resident, paid_slot
):
    booking = services.book(resident, paid_slot.pk)
    reference = started(booking)
    Booking.objects.filter(pk=booking.pk).update(hold_expires_at=timezone.now() - timedelta(minutes=1))
    services.release_lapsed_holds()

    assert post_webhook(client, remote(reference, "succeeded")).status_code == 200

    assert entries(booking_code=booking.code) == [
        ("placed", "job", "system"),
        ("cancelled", "job", "system"),
        ("paid", "gateway", "system"),
    ]
    assert Action.objects.get(action="paid").detail == {"amount": "30.00", "booked_again": True}
    page = resident_client.get(reverse("booking-detail", kwargs={"code": booking.code})).content.decode()
    assert "the payment came after the hold had lapsed; the place was booked again" in page


@responses.activate
def test_a_payment_after_the_place_went_to_someone_else_says_it_is_paid_back(
    real_gateway, client, resident, other_resident, paid_slot, django_capture_on_commit_callbacks
):
    booking = services.book(resident, paid_slot.pk)
    reference = started(booking)
    Booking.objects.filter(pk=booking.pk).update(hold_expires_at=timezone.now() - timedelta(minutes=1))
    services.book(other_resident, paid_slot.pk)  # finds the slot full and releases the lapsed hold
    responses.post(
        f"{GATEWAY}/payments/pay_1/refunds",
        json={"id": "re_1", "payment": "pay_1", "status": "succeeded", "amount": 3000},
        status=201,
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(client, remote(reference, "succeeded")).status_code == 200

    assert [action for action, _door, _kind in entries(booking_code=booking.code)] == [
        "placed",
        "cancelled",
        "paid",
        "refunded",
    ]
    assert Action.objects.get(action="paid").detail == {"amount": "30.00", "refund_due": True}
