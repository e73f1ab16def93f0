"""A resident adds a family member and books for them through the web checkout."""

from datetime import timedelta

from django.urls import reverse

from marketplace.booking import services
from marketplace.booking.models import Booking
from marketplace.users.models import Dependant
from marketplace.users.services import add_dependant
from tests.marketplace.checkout.test_checkout import book_and_reach_preview, logged_in

DEPENDANTS = "/shop/accounts/dependants/"


def test_a_resident_adds_a_parent_and_books_for_her_at_checkout(resident, service, slot):
    client = logged_in(resident)
    client.cookies["django_language"] = "en"
    assert 'href="/shop/accounts/dependants/"' in client.get(reverse("my-bookings")).content.decode()

    added = client.post(DEPENDANTS, {"name": "王秀英", "relation": "parent", "phone": "13700001111"}, follow=True)

    page = added.content.decode()
    assert "王秀英 (Parent)" in page
    assert "137****1111" in page and "13700001111" not in page
    mother = Dependant.objects.get(owner=resident)

    preview = book_and_reach_preview(client, service, slot).content.decode()
    assert "Who is this booking for?" in preview
    assert f'<label class="form-check-label" for="booked-for-{mother.pk}">王秀英 (Parent)</label>' in preview

    response = client.post(reverse("checkout:preview"), {"action": "place_order", "booked_for": str(mother.pk)})

    assert response.url == reverse("checkout:thank-you")
    booking = Booking.objects.get(user=resident)
    assert booking.dependant == mother
    detail = client.get(reverse("booking-detail", kwargs={"code": booking.code})).content.decode()
    assert "王秀英 (Parent)" in detail
    listing = client.get(reverse("my-bookings")).content.decode()
    assert "王秀英 (Parent)" in listing


def test_choosing_someone_elses_dependant_at_checkout_books_nothing(resident, other_resident, service, slot):
    stranger = add_dependant(other_resident, "李奶奶", "grandparent")
    add_dependant(resident, "王秀英", "parent")
    client = logged_in(resident)
    client.cookies["django_language"] = "en"
    book_and_reach_preview(client, service, slot)

    response = client.post(reverse("checkout:preview"), {"action": "place_order", "booked_for": str(stranger.pk)})
    assert response.status_code == 200
    assert "You have no such dependant." in response.content.decode()
    # What is not an id at all, which the page never sends, is a bad request (tests/marketplace/test_ids.py).
    for forged in ("abc", "99999999999999999999999"):
        response = client.post(reverse("checkout:preview"), {"action": "place_order", "booked_for": forged})
        assert response.status_code == 400

    slot.refresh_from_db()
    assert slot.num_booked == 0
    assert not Booking.objects.exists()


def test_booking_for_myself_at_checkout_is_the_default(resident, service, slot):
    add_dependant(resident, "王秀英", "parent")
    client = logged_in(resident)
    book_and_reach_preview(client, service, slot)

    client.post(reverse("checkout:preview"), {"action": "place_order"})

    assert Booking.objects.get(user=resident).dependant is None


def test_bad_dependant_form_shows_the_reason_and_stores_nothing(resident):
    client = logged_in(resident)
    client.cookies["django_language"] = "en"

    response = client.post(DEPENDANTS, {"name": "王秀英", "relation": "parent", "phone": "555"})

    assert response.status_code == 200
    assert "Enter a mainland China mobile number" in response.content.decode()
    assert not Dependant.objects.exists()


def test_removing_a_dependant_on_the_web(resident, other_resident, make_slot, offering):
    mother = add_dependant(resident, "王秀英", "parent")
    son = add_dependant(resident, "张小明", "child")
    stranger = add_dependant(other_resident, "李奶奶", "grandparent")
    services.book(resident, make_slot(offering, starts_in=timedelta(days=2)).pk, dependant=mother.pk)
    client = logged_in(resident)
    client.cookies["django_language"] = "en"

    refused = client.post(f"{DEPENDANTS}{mother.pk}/remove/", follow=True).content.decode()
    client.post(f"{DEPENDANTS}{stranger.pk}/remove/")
    client.post(f"{DEPENDANTS}{son.pk}/remove/")

    assert "still has bookings to come" in refused
    assert list(Dependant.objects.filter(owner=resident)) == [mother]
    assert Dependant.objects.filter(pk=stranger.pk).exists()
    assert client.get(f"{DEPENDANTS}{son.pk}/remove/").status_code == 405


def test_the_dependants_page_needs_a_login(client, db):
    response = client.get(DEPENDANTS)

    assert response.status_code == 302
    assert "login" in response.url


def test_a_resident_at_their_own_limit_still_books_for_a_parent_on_the_web(resident, service, offering, make_slot):
    mother = add_dependant(resident, "王秀英", "parent")
    for hours in (1, 2):
        services.book(resident, make_slot(offering, starts_in=timedelta(days=1, hours=hours)).pk)
    slot = make_slot(offering, starts_in=timedelta(days=1, hours=3))
    client = logged_in(resident)
    client.cookies["django_language"] = "en"
    book_and_reach_preview(client, service, slot)

    refused = client.post(reverse("checkout:preview"), {"action": "place_order", "booked_for": ""})
    assert "the most allowed" in refused.content.decode()
    placed = client.post(reverse("checkout:preview"), {"action": "place_order", "booked_for": str(mother.pk)})

    assert placed.url == reverse("checkout:thank-you")
    assert Booking.objects.get(slot=slot).dependant == mother
