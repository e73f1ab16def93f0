"""The resident's booking pages lead to the rating page: "Rate this visit" or "Your rating: N★"."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ratings import services

MY_BOOKINGS = reverse("my-bookings")


def rate_link(booking):
    return f'href="{reverse("ratings:rate", kwargs={"code": booking.code})}"'


def test_the_list_offers_rating_only_for_checked_in_visits_still_in_the_window(client, resident, make_visit):
    rateable = make_visit(resident, ended_ago=timedelta(hours=3))
    too_old = make_visit(resident, ended_ago=timedelta(days=15))
    no_show = make_visit(resident, ended_ago=timedelta(hours=5), status="no_show")
    client.force_login(resident)

    html = client.get(MY_BOOKINGS).content.decode()

    assert rate_link(rateable) in html
    assert rate_link(too_old) not in html
    assert rate_link(no_show) not in html


def test_a_rated_visit_shows_its_stars_on_the_list_and_the_booking_page(client, rated):
    client.force_login(rated.booking.user)

    listed = client.get(MY_BOOKINGS).content.decode()
    detail = client.get(reverse("booking-detail", kwargs={"code": rated.booking.code})).content.decode()

    for html in (listed, detail):
        assert rate_link(rated.booking) in html
        assert "1★" in html


def test_the_booking_page_offers_rating_a_rateable_visit(client, visit):
    client.force_login(visit.user)

    html = client.get(reverse("booking-detail", kwargs={"code": visit.code})).content.decode()

    assert rate_link(visit) in html


def test_the_list_needs_no_query_per_rated_or_rateable_visit(client, resident, make_visit):
    client.force_login(resident)

    def queries():
        client.get(MY_BOOKINGS)  # the first request also reads the header and footer, kept for the next
        with CaptureQueriesContext(connection) as captured:
            assert client.get(MY_BOOKINGS).status_code == 200
        return len(captured)

    def add(hours):
        # Oldest first: each booking is made before its slot, when the earlier visits are over.
        make_visit(resident, ended_ago=timedelta(hours=hours + 2))  # rateable, not rated
        visit = make_visit(resident, ended_ago=timedelta(hours=hours))
        services.rate_visit(resident, visit.code, 4)

    add(30)
    few = queries()
    add(20)
    add(10)

    assert queries() == few
