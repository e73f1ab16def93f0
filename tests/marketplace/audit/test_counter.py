"""At the counter: each page that shows the resident's name and phone is in their "who has seen my data";
an account staff register for a walk-in is recorded with the provider whose counter it was."""

import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from marketplace.audit.models import Access, Action
from marketplace.booking import services
from marketplace.booking.models import Booking
from tests.marketplace.api.conftest import API, authorised_client
from tests.marketplace.audit.conftest import entries, seen

User = get_user_model()


def signed_in(user):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def token_in(page):
    return re.search(r'name="resident" value="([^"]+)"', page).group(1)


def test_the_clerk_booking_and_printing_the_slip_is_listed_in_who_has_seen_my_data(
    staff, provider, resident, admin_user, make_slot, offering
):
    # Tomorrow: the counter may book ahead, and the test does not depend on the hour it runs.
    slot = make_slot(offering, starts_in=timedelta(days=1), capacity=2, counter_capacity=1)
    clerk = signed_in(staff)
    base = f"/provider/{provider.pk}/counter"
    found = clerk.post(f"{base}/", {"phone": resident.phone}).content.decode()
    book_url = re.search(r'href="(/provider/\d+/counter/book/\?resident=[^"]+)"', found).group(1).replace("&amp;", "&")
    step_two = clerk.get(book_url).content.decode()
    clerk.post(f"{base}/book/", {"resident": token_in(step_two), "slot": slot.pk, "note": "", "consent": "on"})
    booking = Booking.objects.get(user=resident)

    assert clerk.get(f"{base}/bookings/{booking.code}/").status_code == 200
    assert clerk.get(f"{base}/bookings/{booking.code}/slip/").status_code == 200

    assert seen() == sorted(
        (what, resident.pk, provider.pk)
        for what in ("counter_search", "counter_booking", "counter_booked", "counter_slip")
    )
    assert {access.viewer for access in Access.objects.all()} == {staff}
    assert Access.objects.get(what="counter_slip").booking_code == booking.code
    page = signed_in(resident).get(reverse("access-log")).content.decode()
    assert "Booking slip (printed)" in page and "Booking made at the counter (confirmation)" in page
    assert "Booking for you at the counter" in page
    assert reverse("booking-detail", kwargs={"code": booking.code}) in page
    assert staff.name not in page
    log = authorised_client(resident).get(f"{API}/me/access-log").json()["results"]
    assert [entry["what"] for entry in log][:2] == ["counter_slip", "counter_booked"]  # newest first
    slips = signed_in(admin_user).get(reverse("admin:audit_access_changelist"), {"what": "counter_slip"})
    assert [(access.person, access.viewer) for access in slips.context["cl"].result_list] == [(resident, staff)]


def test_another_providers_staff_opening_the_slip_see_nothing_and_nothing_is_recorded(
    staff, other_staff, provider, resident, make_slot, offering
):
    slot = make_slot(offering, starts_in=timedelta(days=1), capacity=2, counter_capacity=1)
    booking = services.book_at_counter(staff, slot.pk, resident, consent=True)

    response = signed_in(other_staff).get(f"/provider/{provider.pk}/counter/bookings/{booking.code}/slip/")

    assert response.status_code == 404
    assert not Access.objects.exists()


def test_a_walk_in_registered_at_the_counter_is_recorded_with_the_staff_and_their_provider(staff, provider):
    response = signed_in(staff).post(
        f"/provider/{provider.pk}/counter/register/", {"name": "王奶奶", "phone": "136 1111 2222", "email": ""}
    )

    assert response.status_code == 302
    walk_in = User.objects.get(phone="13611112222")
    assert entries(person=walk_in) == [("counter_registered", "counter", "staff")]
    registered = Action.objects.get(person=walk_in)
    assert (registered.actor, registered.organisation, registered.provider) == (staff, provider, provider)


def test_a_refused_registration_records_nothing(staff, provider, resident):
    response = signed_in(staff).post(
        f"/provider/{provider.pk}/counter/register/", {"name": resident.name, "phone": resident.phone, "email": ""}
    )

    assert response.status_code == 200  # the form again, with the reason
    assert not Action.objects.filter(action="counter_registered").exists()
