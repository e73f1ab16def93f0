"""Reading personal data is recorded: one row per resident shown, seen by the resident on their page and in the API."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from catalog.services import add_offering
from marketplace.audit.models import Access
from marketplace.booking import services
from tests.conftest import PASSWORD, later_today
from tests.marketplace.api.conftest import API, authorised_client
from tests.marketplace.audit.conftest import seen

# Bookings of today, checked in today: at 10:00 local time, whatever the hour the tests run (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("daytime")


def staff_client(staff):
    client = Client()
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def the_day(resident, other_resident, make_user, make_slot, offering, service, other_provider):
    """Two residents booked at the provider today (one of them twice), a third at another provider."""
    first = make_slot(offering, starts_in=later_today(), capacity=3)
    second = make_slot(offering, starts_in=later_today() - timedelta(minutes=3), capacity=3)
    services.book(resident, first.pk)
    services.book(other_resident, first.pk)
    services.book(resident, second.pk)
    elsewhere = make_user(email="wang@example.com", name="王五", phone="13500000005")
    services.book(elsewhere, make_slot(add_offering(service, other_provider), starts_in=later_today()).pk)
    return services.local_day(first.starts_at), elsewhere


@pytest.mark.parametrize(
    ("path", "what"),
    [("day/", "day_list"), ("day.csv", "day_csv"), ("day/print/", "day_print")],
)
def test_the_day_list_its_csv_and_print_record_each_resident_shown_once(
    staff, provider, resident, other_resident, the_day, path, what
):
    day, elsewhere = the_day

    response = staff_client(staff).get(f"/provider/{provider.pk}/{path}", {"date": day.isoformat()})

    assert response.status_code == 200
    assert seen() == sorted([(what, resident.pk, provider.pk), (what, other_resident.pk, provider.pk)])
    assert {access.viewer for access in Access.objects.all()} == {staff}
    assert not Access.objects.filter(person=elsewhere).exists()


def test_the_week_shows_only_counts_and_records_nothing(staff, provider, the_day):
    assert staff_client(staff).get(f"/provider/{provider.pk}/week/").status_code == 200
    assert not Access.objects.exists()


def test_an_empty_day_records_nothing(staff, provider, db):
    assert staff_client(staff).get(f"/provider/{provider.pk}/day/").status_code == 200
    assert not Access.objects.exists()


def test_a_counter_search_by_phone_records_the_residents_found(staff, provider, resident, make_user, other_resident):
    sharing = make_user(email="granny@example.com", name="张奶奶", phone=resident.phone)

    response = staff_client(staff).post(f"/provider/{provider.pk}/counter/", {"phone": resident.phone})

    assert response.status_code == 200
    assert seen() == sorted([("counter_search", resident.pk, provider.pk), ("counter_search", sharing.pk, provider.pk)])


def test_the_resident_sees_who_has_seen_their_data_on_their_page_and_in_the_api(
    staff, provider, resident, other_resident, the_day
):
    day, _elsewhere = the_day
    staff_client(staff).get(f"/provider/{provider.pk}/day/", {"date": day.isoformat()})
    staff_client(staff).get(f"/provider/{provider.pk}/day.csv", {"date": day.isoformat()})
    client = Client()
    assert client.login(email=resident.email, password=PASSWORD)
    client.cookies["django_language"] = "en"

    page = client.get(reverse("access-log")).content.decode()

    assert provider.name in page
    assert "Day&#x27;s booking list (CSV export)" in page and "Day&#x27;s booking list" in page
    assert staff.name not in page and staff.email not in page
    assert 'role="region" aria-labelledby="access-caption" tabindex="0"' in page
    assert reverse("access-log") in client.get(reverse("my-data")).content.decode()  # "my data and settings"

    body = authorised_client(resident).get(f"{API}/me/access-log").json()
    assert [entry["what"] for entry in body["results"]] == ["day_csv", "day_list"]  # newest first
    assert body["results"][0]["organisation"] == {"id": provider.pk, "name": provider.name}
    assert set(body["results"][0]) == {"at", "organisation", "what"}
    others = authorised_client(other_resident).get(f"{API}/me/access-log").json()["results"]
    assert [entry["what"] for entry in others] == ["day_csv", "day_list"]


def test_nobody_else_appears_in_a_residents_access_log(staff, provider, resident, make_user, the_day):
    day, elsewhere = the_day
    staff_client(staff).get(f"/provider/{provider.pk}/day/", {"date": day.isoformat()})

    assert authorised_client(elsewhere).get(f"{API}/me/access-log").json() == {"results": []}
    assert Client().get(f"{API}/me/access-log").status_code == 401


def test_the_access_log_page_needs_a_sign_in(client, db):
    response = client.get(reverse("access-log"))
    assert response.status_code == 302 and "/login/" in response["Location"]
