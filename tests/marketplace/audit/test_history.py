"""A booking's history: the resident's page and API in their words, the provider's console, the read-only admin."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from marketplace.audit.context import acting
from marketplace.audit.models import Access, Action
from marketplace.booking import services
from tests.conftest import PASSWORD
from tests.marketplace.api.conftest import API, assert_error, authorised_client


@pytest.fixture
def moved_and_cancelled(resident, staff, provider, make_slot, offering):
    """Booked through the API, moved on the web, cancelled by the provider in its console."""
    booking = None
    with acting("api", user=resident):
        booking = services.book(resident, make_slot(offering, starts_in=timedelta(days=2)).pk)
    with acting("web", user=resident):
        from marketplace.booking import reschedule

        reschedule.reschedule(resident, booking.code, make_slot(offering, starts_in=timedelta(days=3)).pk)
    with acting("console", user=staff):
        services.cancel_booking(booking, by="provider", reason="工作人员外出，联系 13912345678")
    return booking


def signed_in(user):
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    client.cookies["django_language"] = "en"
    return client


def test_the_api_gives_the_history_oldest_first_naming_the_organisation_not_the_staff(
    resident, staff, provider, moved_and_cancelled
):
    response = authorised_client(resident).get(f"{API}/bookings/{moved_and_cancelled.code}/history")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(entry["action"], entry["door"], entry["by"]) for entry in results] == [
        ("placed", "api", {"kind": "resident"}),
        ("rescheduled", "web", {"kind": "resident"}),
        ("cancelled", "console", {"kind": "staff", "name": provider.name}),
    ]
    assert set(results[1]["detail"]) == {"from", "to"}
    assert results[2]["detail"] == {"cancelled_by": "provider", "reason": "工作人员外出，联系 139****5678"}
    assert results[0]["at"].endswith("+08:00")
    assert staff.name not in response.content.decode() and "13912345678" not in response.content.decode()


def test_another_resident_gets_not_found_for_someone_elses_history(other_resident, moved_and_cancelled):
    assert_error(
        authorised_client(other_resident).get(f"{API}/bookings/{moved_and_cancelled.code}/history"), 404, "not_found"
    )
    assert_error(authorised_client(other_resident).get(f"{API}/bookings/NOSUCHCO/history"), 404, "not_found")
    assert Client().get(f"{API}/bookings/{moved_and_cancelled.code}/history").status_code == 401
    assert (
        signed_in(other_resident).get(reverse("booking-detail", kwargs={"code": moved_and_cancelled.code})).status_code
        == 404
    )


def test_the_history_is_in_the_openapi_document(client, db):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    assert "get" in paths["/api/v1/bookings/{code}/history"]
    assert "get" in paths["/api/v1/me/access-log"]


def history_section(page):
    html = page.content.decode()
    return html[html.index('<section aria-labelledby="history-title"') :].split("</section>")[0]


def test_the_booking_page_shows_the_history_in_the_residents_words(resident, staff, provider, moved_and_cancelled):
    page = signed_in(resident).get(reverse("booking-detail", kwargs={"code": moved_and_cancelled.code}))
    html = history_section(page)

    assert "History of this booking" in html
    assert len(re.findall(r"<td[^>]*>You</td>", html)) == 2
    assert f"The provider ({provider.name})" in html
    assert staff.name not in html and "13912345678" not in html and "139****5678" in html
    assert 'role="region" aria-labelledby="history-caption" tabindex="0"' in html


def test_the_booking_page_history_is_chinese_by_default(resident, moved_and_cancelled):
    client = Client()
    assert client.login(email=resident.email, password=PASSWORD)

    html = history_section(client.get(reverse("booking-detail", kwargs={"code": moved_and_cancelled.code})))

    assert "预约记录" in html and re.search(r"<td[^>]*>您</td>", html)


def test_staff_see_the_history_in_the_console_and_that_is_recorded(
    client, staff, provider, resident, moved_and_cancelled
):
    client.force_login(staff)
    client.cookies["django_language"] = "en"

    page = client.get(f"/provider/{provider.pk}/bookings/{moved_and_cancelled.code}/history/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Moved to another time" in html and f"{provider.name} · {staff.name}" in html
    assert 'role="region" aria-labelledby="history-caption" tabindex="0"' in html
    assert resident.phone not in html
    assert [(access.what, access.person, access.booking_code) for access in Access.objects.all()] == [
        ("booking", resident, moved_and_cancelled.code)
    ]


def test_other_providers_staff_and_residents_get_not_found_in_the_console(
    client, other_staff, resident, provider, moved_and_cancelled
):
    url = f"/provider/{provider.pk}/bookings/{moved_and_cancelled.code}/history/"
    for user in (other_staff, resident):
        client.force_login(user)
        assert client.get(url).status_code == 404
    assert not Access.objects.exists()


def test_the_day_list_links_to_a_bookings_history(client, staff, provider, today_booking):
    client.force_login(staff)
    html = client.get(f"/provider/{provider.pk}/day/").content.decode()
    assert f"/provider/{provider.pk}/bookings/{today_booking.code}/history/" in html


def test_administrators_filter_the_record_but_cannot_add_change_or_delete(client, admin_user, moved_and_cancelled):
    client.force_login(admin_user)
    entry = Action.objects.get(action="cancelled")
    changelist = reverse("admin:audit_action_changelist")

    filtered = client.get(changelist, {"q": moved_and_cancelled.code})
    by_person = client.get(changelist, {"person__id__exact": moved_and_cancelled.user_id, "action": "cancelled"})

    assert filtered.status_code == by_person.status_code == 200
    assert list(filtered.context["cl"].result_list) == list(
        Action.objects.filter(booking_code=moved_and_cancelled.code)
    )
    assert list(by_person.context["cl"].result_list) == [entry]
    assert client.get(reverse("admin:audit_action_add")).status_code == 403
    assert client.post(reverse("admin:audit_action_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    client.post(reverse("admin:audit_action_change", args=[entry.pk]), {"action": "placed", "booking_code": "X"})
    view = client.get(reverse("admin:audit_action_change", args=[entry.pk]))
    assert view.status_code == 200 and 'name="_save"' not in view.content.decode()
    entry.refresh_from_db()
    assert (entry.action, entry.booking_code) == ("cancelled", moved_and_cancelled.code)
    assert Action.objects.count() == 3
    assert client.get(reverse("admin:audit_access_add")).status_code == 403


def test_an_entry_cannot_be_changed_or_deleted_in_code_either(moved_and_cancelled):
    entry = Action.objects.first()
    entry.action = "cancelled"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
