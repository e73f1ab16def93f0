"""Booking moved from Oscar's order fork to the booking app: a database that holds bookings keeps them."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from marketplace.booking import services, waitlist
from marketplace.booking.models import Booking, WaitlistEntry

# Each app's last migration before the move.
BEFORE_THE_MOVE = [
    ("booking", "0001_waitlist_entry"),
    ("order", "0025_booking_dependant"),
    ("notifications", "0002_rating_case_notices"),
    ("payment", "0006_gateway_payments"),
    ("ratings", "0001_initial"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_bookings_survive_the_move_to_the_booking_app(resident, other_resident, make_slot, offering):
    slot = make_slot(offering, capacity=1)
    booking = services.book(resident, slot.pk, note="带上劳动合同")
    entry = waitlist.join(other_resident, slot.pk)
    ContentType.objects.get_for_model(Booking)  # as after any migrate: the content type exists
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()

    old_apps = migrate(BEFORE_THE_MOVE)
    # Before the move, the order app owns the model and sees the rows, with the old content type.
    OldBooking = old_apps.get_model("order", "Booking")
    assert OldBooking.objects.get(code=booking.code).note == "带上劳动合同"
    assert ContentType.objects.filter(app_label="order", model="booking").exists()
    assert not ContentType.objects.filter(app_label="booking", model="booking").exists()
    old_type = ContentType.objects.get(app_label="order", model="booking")
    permissions = set(Permission.objects.filter(content_type=old_type).values_list("pk", flat=True))
    assert permissions, "the booking permissions exist before the move"

    migrate(latest)
    moved = Booking.objects.get(code=booking.code)
    assert (moved.pk, moved.slot_id, moved.user_id, moved.status, moved.note) == (
        booking.pk,
        slot.pk,
        resident.pk,
        Booking.Status.BOOKED,
        "带上劳动合同",
    )
    assert moved.order.number == booking.order.number and moved.line.booking == moved
    # Rows of other apps that point at the booking still reach it.
    assert WaitlistEntry.objects.get(pk=entry.pk).slot.bookings.get() == moved
    # The content type moved with the model, so its permissions (and admin history) are kept.
    new_type = ContentType.objects.get_for_model(Booking)
    assert new_type.pk == old_type.pk and new_type.app_label == "booking"
    assert set(Permission.objects.filter(content_type=new_type).values_list("pk", flat=True)) == permissions
    # And the place is still taken: the capacity rule sees the moved booking.
    slot.refresh_from_db()
    assert slot.num_booked == 1
