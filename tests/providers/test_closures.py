"""Closures: closing a period or a slot cancels its bookings, tells the residents and offers other times."""

from datetime import timedelta

import pytest
from django.core import mail

from marketplace.booking import services
from marketplace.order.models import Booking
from providers.models import Slot


@pytest.fixture
def booked_slot(make_slot, offering, resident, other_resident):
    slot = make_slot(offering, starts_in=timedelta(days=2))
    services.book(resident, slot.pk)
    services.book(other_resident, slot.pk)
    return slot


def test_closing_a_slot_cancels_its_bookings_and_tells_the_residents(
    client, staff, provider, booked_slot, django_capture_on_commit_callbacks
):
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/provider/{provider.pk}/slots/{booked_slot.pk}/close/", {"reason": "律师临时外出", "next": "/provider/"}
        )

    assert response.status_code == 302
    assert response["Location"] == "/provider/"
    booked_slot.refresh_from_db()
    assert not booked_slot.is_open
    assert booked_slot.num_booked == 0
    bookings = Booking.objects.filter(slot=booked_slot)
    assert {b.status for b in bookings} == {Booking.Status.CANCELLED}
    assert {b.cancel_reason for b in bookings} == {"律师临时外出"}
    assert {b.cancelled_by for b in bookings} == {Booking.CancelledBy.PROVIDER}
    assert len(mail.outbox) == 2
    assert all("律师临时外出" in message.body for message in mail.outbox)
