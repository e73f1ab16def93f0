"""What a resident sees of a service's eligibility rules: on its page, when refused, when declaring a group;
and the details of the people they book for that the rules judge."""

from datetime import date

from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from marketplace.booking.models import Booking
from marketplace.users.models import Dependant
from tests.conftest import PASSWORD
from tests.marketplace.checkout.test_checkout import add_slot, book_and_reach_preview

EligibilityRule = get_model("catalogue", "EligibilityRule")


def english(user):
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    client.cookies["django_language"] = "en"
    return client


def test_the_service_page_states_the_rules_in_plain_words(client, service, service_page, street):
    EligibilityRule.objects.create(service=service, kind="age", min_age=65)
    EligibilityRule.objects.create(service=service, kind="per_year", per_year=1)
    EligibilityRule.objects.create(service=service, kind="residence", street=street)
    client.cookies["django_language"] = "en"

    text = client.get(service_page.url).content.decode()

    assert "Who may book" in text
    assert "For people aged 65 or over." in text
    assert "At most 1 times per person per calendar year" in text
    assert "For residents of 拓东街道." in text


def test_a_refused_booking_says_which_rule_and_what_to_do(resident, service, slot):
    EligibilityRule.objects.create(service=service, kind="age", min_age=65)
    client = english(resident)

    response = add_slot(client, service, slot)

    page = client.get(reverse("my-bookings")).content.decode()
    assert response.status_code == 302
    assert "Your date of birth is not recorded: record it in your profile, then book." in page
    assert not Booking.objects.exists()


def test_a_group_is_declared_on_the_confirmation_page(resident, service, slot):
    EligibilityRule.objects.create(service=service, kind="group", group="低保", evidence="低保证")
    client = english(resident)
    preview = book_and_reach_preview(client, service, slot).content.decode()
    assert "低保: bring your 低保证" in preview

    refused = client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert "Declare your membership when booking" in refused.content.decode()
    assert not Booking.objects.exists()

    client.post(reverse("checkout:preview"), {"action": "place_order", "declared_group": "低保"})
    booking = Booking.objects.get()
    assert (booking.declared_group, booking.evidence) == ("低保", "低保证")


def test_a_dependant_is_added_with_a_birth_date_and_a_community(resident, community):
    client = english(resident)
    client.post(
        reverse("dependants"),
        {"name": "张母", "relation": "parent", "birth_date": "1950-03-01", "home_community": community.pk},
    )
    mother = Dependant.objects.get(owner=resident)
    assert (mother.birth_date, mother.home_community) == (date(1950, 3, 1), community)
    assert "1950-03-01" in client.get(reverse("dependants")).content.decode()


def test_a_dependants_details_are_changed_and_a_future_birth_date_refused(resident, other_resident, community):
    mother = Dependant.objects.create(owner=resident, name="张母", relation="parent")
    client = english(resident)
    url = reverse("dependant-edit", kwargs={"dependant_id": mother.pk})

    assert client.post(url, {"birth_date": "2999-01-01"}).status_code == 400
    client.post(url, {"birth_date": "1950-03-01", "home_community": community.pk})
    mother.refresh_from_db()
    assert (mother.birth_date, mother.home_community) == (date(1950, 3, 1), community)

    # Somebody else's dependant is not theirs to change.
    english(other_resident).post(url, {"birth_date": "1960-01-01"})
    mother.refresh_from_db()
    assert mother.birth_date == date(1950, 3, 1)


def test_administrators_edit_the_rules_with_the_service(admin_user, service, street):
    client = Client()
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    url = reverse("admin:catalogue_product_change", args=[service.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "eligibility rules" in page.content.decode().lower()


def test_the_booking_page_reminds_the_resident_of_the_evidence(resident, service, slot):
    from marketplace.booking import services

    EligibilityRule.objects.create(service=service, kind="group", group="低保", evidence="低保证")
    booking = services.book(resident, slot.pk, declared_group="低保")

    page = english(resident).get(reverse("booking-detail", kwargs={"code": booking.code})).content.decode()

    assert "You declared 低保: bring your 低保证." in page
