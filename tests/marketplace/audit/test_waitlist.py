"""The waiting list's changes are recorded: joining and leaving by the resident, offers and lapses by the system."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace.audit.context import acting
from marketplace.audit.models import Action
from marketplace.booking import services, waitlist
from marketplace.booking.models import Booking, WaitlistEntry
from tests.marketplace.api.conftest import API, authorised_client
from tests.marketplace.audit.conftest import entries


@pytest.fixture
def full_slot(make_slot, offering, other_resident):
    slot = make_slot(offering, capacity=1)
    services.book(other_resident, slot.pk)
    return slot


@pytest.fixture
def third(make_user):
    return make_user(email="wangwu@example.com", name="王五", phone="13611112222")


def signed_in(user):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def waiting_list_record(person):
    """(action, door, actor kind) of the person's waiting-list entries, oldest first."""
    return entries(person=person, action__startswith="waitlist_")


def test_joining_on_the_web_and_leaving_are_the_residents_own(resident_client, resident, provider, full_slot):
    resident_client.post(reverse("waitlist-join"), {"slot": full_slot.pk})
    entry = WaitlistEntry.objects.get(user=resident)
    resident_client.post(reverse("waitlist-leave", kwargs={"entry_id": entry.pk}))
    resident_client.post(reverse("waitlist-leave", kwargs={"entry_id": entry.pk}))  # twice is harmless

    assert waiting_list_record(resident) == [
        ("waitlist_joined", "web", "resident"),
        ("waitlist_left", "web", "resident"),
    ]
    joined = Action.objects.get(action="waitlist_joined")
    assert (joined.actor, joined.provider, joined.booking_code) == (resident, provider, "")
    assert joined.detail == {"entry": entry.pk, "slot": services.slot_label(full_slot)}


def test_a_refused_join_leaves_no_entry(resident, make_slot, offering):
    free = make_slot(offering, capacity=2)

    response = authorised_client(resident).post(f"{API}/waitlist", {"slot": free.pk}, content_type="application/json")

    assert response.status_code == 409
    assert not Action.objects.exists()


def test_offers_are_the_systems_whoever_freed_the_place_and_declining_is_the_residents(
    resident_client, resident, third, other_resident, full_slot, django_capture_on_commit_callbacks
):
    resident_client.post(reverse("waitlist-join"), {"slot": full_slot.pk})
    joined = authorised_client(third).post(f"{API}/waitlist", {"slot": full_slot.pk}, content_type="application/json")
    assert joined.status_code == 201
    holder = Booking.objects.get(user=other_resident)
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(other_resident).post(reverse("booking-cancel", kwargs={"code": holder.code}))
    first = WaitlistEntry.objects.get(user=resident)

    # Declining passes the place to the next in line inside the resident's request: still the system's offer.
    resident_client.post(reverse("waitlist-decline", kwargs={"entry_id": first.pk}))

    assert waiting_list_record(resident) == [
        ("waitlist_joined", "web", "resident"),
        ("waitlist_offered", "job", "system"),
        ("waitlist_declined", "web", "resident"),
    ]
    assert waiting_list_record(third) == [("waitlist_joined", "api", "resident"), ("waitlist_offered", "web", "system")]
    offered = Action.objects.get(person=third, action="waitlist_offered")
    second = WaitlistEntry.objects.get(user=third)
    assert offered.actor is None
    assert offered.detail["until"] == timezone.localtime(second.offer_expires_at).strftime("%Y-%m-%d %H:%M")


def test_a_lapsed_offer_is_the_systems_and_the_admin_filters_it(
    client, admin_user, resident, full_slot, django_capture_on_commit_callbacks
):
    with acting("web", user=resident):
        entry = waitlist.join(resident, full_slot.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(Booking.objects.get(slot=full_slot, status="booked"))
    WaitlistEntry.objects.filter(pk=entry.pk).update(offer_expires_at=timezone.now() - timedelta(minutes=1))

    call_command("expire_waitlist_offers")
    call_command("expire_waitlist_offers")  # twice is harmless

    assert waiting_list_record(resident) == [
        ("waitlist_joined", "web", "resident"),
        ("waitlist_offered", "job", "system"),
        ("waitlist_lapsed", "job", "system"),
    ]
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    changelist = client.get(reverse("admin:audit_action_changelist"), {"action": "waitlist_lapsed"})
    assert changelist.status_code == 200
    assert [entry.person for entry in changelist.context["cl"].result_list] == [resident]
    assert "Offer from the waiting list lapsed" in changelist.content.decode()


def test_booking_the_freed_place_oneself_closes_the_place_in_line_by_the_system(
    resident, other_resident, full_slot, django_capture_on_commit_callbacks
):
    with acting("api", user=resident):
        waitlist.join(resident, full_slot.pk)
    with django_capture_on_commit_callbacks(execute=False) as offers_to_make:
        services.cancel_booking(Booking.objects.get(user=other_resident))
    # The resident books the freed place before the offer goes out.
    with acting("api", user=resident):
        services.book(resident, full_slot.pk)
    for offer in offers_to_make:
        offer()

    assert waiting_list_record(resident) == [
        ("waitlist_joined", "api", "resident"),
        ("waitlist_left", "job", "system"),
    ]
    assert Action.objects.get(action="waitlist_left").detail["booked"] is True
