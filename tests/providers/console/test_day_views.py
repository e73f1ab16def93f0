"""The provider console: who may see what, the day's list, check-in and no-shows through the booking services."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from catalog.services import add_offering, create_service
from marketplace.booking import services
from marketplace.booking.models import Booking
from providers.console import reads
from tests.conftest import ended_booking, later_today

# Bookings of today, checked in today: at 10:00 local time, whatever the hour the tests run (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("daytime")


@pytest.fixture
def other_offering(service, other_provider):
    return add_offering(service, other_provider)


@pytest.fixture
def today_booking(resident, make_slot, offering):
    return services.book(resident, make_slot(offering, starts_in=later_today()).pk, note="带上合同")


@pytest.fixture
def other_booking(other_resident, make_slot, other_offering):
    return services.book(other_resident, make_slot(other_offering, starts_in=later_today()).pk)


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


def today():
    return reads.today()


def day_url(provider, **query):
    from urllib.parse import urlencode

    return f"/provider/{provider.pk}/day/" + (f"?{urlencode(query)}" if query else "")


def console_urls(provider, code):
    """(method, url) of every console URL of ``provider``."""
    base = f"/provider/{provider.pk}"
    return {
        "day": ("get", f"{base}/day/"),
        "week": ("get", f"{base}/week/"),
        "csv": ("get", f"{base}/day.csv"),
        "print": ("get", f"{base}/day/print/"),
        "check-in": ("post", f"{base}/check-in/"),
        "no-show": ("post", f"{base}/bookings/{code}/no-show/"),
    }


# Expected status of each provider-A URL for each kind of visitor: anonymous visitors are sent to sign in,
# everyone who is not staff of A is told there is no such page, A's staff get the page (or a redirect after a POST).
EXPECTED = {
    "anonymous": {"day": 302, "week": 302, "csv": 302, "print": 302, "check-in": 302, "no-show": 302},
    "resident": {"day": 404, "week": 404, "csv": 404, "print": 404, "check-in": 404, "no-show": 404},
    "staff of A": {"day": 200, "week": 200, "csv": 200, "print": 200, "check-in": 302, "no-show": 302},
    "staff of B": {"day": 404, "week": 404, "csv": 404, "print": 404, "check-in": 404, "no-show": 404},
}


def visitor(kind, resident, staff, other_staff):
    return {"anonymous": None, "resident": resident, "staff of A": staff, "staff of B": other_staff}[kind]


@pytest.mark.parametrize("kind", list(EXPECTED))
@pytest.mark.parametrize("page", ["day", "week", "csv", "print", "check-in", "no-show"])
def test_every_console_url_answers_each_visitor(
    client, kind, page, provider, resident, staff, other_staff, today_booking
):
    login(client, visitor(kind, resident, staff, other_staff))
    method, url = console_urls(provider, today_booking.code)[page]

    response = getattr(client, method)(url, {"code": today_booking.code} if page == "check-in" else {})

    assert response.status_code == EXPECTED[kind][page]
    if kind == "anonymous":
        assert response["Location"].startswith("/shop/accounts/login/")
    if kind != "staff of A":
        today_booking.refresh_from_db()
        assert today_booking.status == Booking.Status.BOOKED


@pytest.mark.parametrize(
    ("kind", "expected"), [("anonymous", 302), ("resident", 403), ("staff of A", 302), ("staff of B", 302)]
)
def test_console_index_answers_each_visitor(client, kind, expected, resident, staff, other_staff, provider):
    login(client, visitor(kind, resident, staff, other_staff))

    response = client.get("/provider/")

    assert response.status_code == expected
    if kind == "anonymous":
        assert response["Location"].startswith("/shop/accounts/login/")
    if kind == "staff of A":
        assert response["Location"] == f"/provider/{provider.pk}/day/"
    if kind == "resident":
        assert response.templates[0].name == "providers/not_staff.html"


def test_staff_of_two_providers_choose_one(client, staff, provider, other_provider):
    other_provider.users.add(staff)
    login(client, staff)

    response = client.get("/provider/")

    assert response.status_code == 200
    assert provider.name in response.content.decode()
    assert other_provider.name in response.content.decode()


def test_unknown_provider_is_not_found(client, staff):
    login(client, staff)

    for url in ("/provider/999999/day/", "/provider/999999/week/", "/provider/999999/day.csv"):
        assert client.get(url).status_code == 404


def test_day_shows_the_bookings_with_masked_phones_only(client, staff, provider, today_booking, resident):
    login(client, staff)

    for url in (day_url(provider), f"/provider/{provider.pk}/day/print/", f"/provider/{provider.pk}/day.csv"):
        content = client.get(url).content.decode("utf-8-sig")
        assert resident.name in content
        assert "138****5678" in content
        assert resident.phone not in content
        assert "带上合同" in content
        assert today_booking.code in content


def test_day_page_has_the_check_in_form_and_the_day_links(client, staff, provider, today_booking):
    login(client, staff)

    html = client.get(day_url(provider)).content.decode()

    assert f'action="/provider/{provider.pk}/check-in/"' in html
    assert "autofocus" in html
    assert 'for="id_code"' in html
    assert "<caption" in html and 'scope="col"' in html and "table-responsive" in html
    yesterday, tomorrow = today() - timedelta(days=1), today() + timedelta(days=1)
    assert f"?date={yesterday.isoformat()}" in html
    assert f"?date={tomorrow.isoformat()}" in html


def test_day_lists_bookings_in_time_order(client, staff, provider, offering, make_slot, resident, other_resident):
    ahead = later_today(room=timedelta(minutes=3))
    # One minute later, not half an hour: late at night half an hour is tomorrow.
    late = services.book(resident, make_slot(offering, starts_in=ahead + timedelta(minutes=1)).pk)
    early = services.book(other_resident, make_slot(offering, starts_in=ahead).pk)
    login(client, staff)

    html = client.get(day_url(provider)).content.decode()

    assert html.index(early.code) < html.index(late.code)


def test_check_in_through_the_console(client, staff, provider, today_booking, resident):
    login(client, staff)

    response = client.post(
        f"/provider/{provider.pk}/check-in/",
        {"code": today_booking.code.lower(), "date": today().isoformat()},
        follow=True,
    )

    today_booking.refresh_from_db()
    assert today_booking.status == Booking.Status.CHECKED_IN
    assert response.redirect_chain[0][0] == day_url(provider, date=today().isoformat())
    html = response.content.decode()
    assert resident.name in html
    assert today_booking.slot.offering.product.title in html


def test_each_expected_booking_of_today_has_its_own_check_in_button(client, staff, provider, today_booking):
    login(client, staff)

    row = re.search(
        rf'<tr id="booking-{today_booking.code}">.*?</tr>', client.get(day_url(provider)).content.decode(), re.S
    )

    assert f'action="/provider/{provider.pk}/check-in/"' in row.group(0)
    assert f'name="code" value="{today_booking.code}"' in row.group(0)
    services.check_in(staff, today_booking.code)
    row = re.search(
        rf'<tr id="booking-{today_booking.code}">.*?</tr>', client.get(day_url(provider)).content.decode(), re.S
    )
    assert "check-in/" not in row.group(0)
    assert "✓" in row.group(0)  # the status has a sign, not only a colour


def test_a_wrong_code_shows_the_error(client, staff, provider, today_booking):
    login(client, staff)

    response = client.post(f"/provider/{provider.pk}/check-in/", {"code": "WRONG999"}, follow=True)

    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    with translation.override("zh-hans"):
        expected = translation.gettext("No booking with this code at your provider.")
    assert messages == [expected]
    today_booking.refresh_from_db()
    assert today_booking.status == Booking.Status.BOOKED


def test_a_booking_later_today_says_when_check_in_opens_and_a_typed_code_is_told_why(
    client, staff, provider, offering, make_slot, resident
):
    # 10:00 on the daytime clock: the slot at 13:00 is today, and check-in opens at 12:00.
    booking = services.book(resident, make_slot(offering, starts_in=timedelta(hours=3)).pk)
    opens = timezone.localtime(booking.slot.starts_at - timedelta(minutes=60), timezone.get_default_timezone())
    login(client, staff)

    row = re.search(rf'<tr id="booking-{booking.code}">.*?</tr>', client.get(day_url(provider)).content.decode(), re.S)
    response = client.post(f"/provider/{provider.pk}/check-in/", {"code": booking.code}, follow=True)

    assert "check-in/" not in row.group(0)
    with translation.override("zh-hans"):
        assert translation.gettext("Check-in from %(time)s") % {"time": f"{opens:%H:%M}"} in row.group(0)
    [message] = [str(message) for message in response.context["messages"]]
    assert "签到" in message and f"{opens:%H:%M}" in message
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_an_empty_code_says_what_to_enter(client, staff, provider):
    login(client, staff)

    response = client.post(f"/provider/{provider.pk}/check-in/", {"code": ""}, follow=True)

    assert response.status_code == 200
    assert len(list(response.context["messages"])) == 1


def test_staff_of_b_cannot_check_in_a_booking_of_a_from_their_own_console(
    client, other_staff, other_provider, today_booking
):
    login(client, other_staff)

    response = client.post(f"/provider/{other_provider.pk}/check-in/", {"code": today_booking.code}, follow=True)

    assert response.status_code == 200
    today_booking.refresh_from_db()
    assert today_booking.status == Booking.Status.BOOKED


def test_no_show_only_after_the_slot_has_ended(client, staff, provider, today_booking, resident, make_slot, offering):
    ended = ended_booking(resident, make_slot, offering)
    login(client, staff)

    html = client.get(day_url(provider, date=services.local_day(ended.slot.starts_at).isoformat())).content.decode()
    assert f"/bookings/{ended.code}/no-show/" in html
    assert f"/bookings/{today_booking.code}/no-show/" not in html

    client.post(f"/provider/{provider.pk}/bookings/{today_booking.code}/no-show/")
    today_booking.refresh_from_db()
    assert today_booking.status == Booking.Status.BOOKED

    client.post(f"/provider/{provider.pk}/bookings/{ended.code}/no-show/")
    ended.refresh_from_db()
    assert ended.status == Booking.Status.NO_SHOW


def test_staff_of_b_cannot_mark_a_booking_of_a(client, other_staff, other_provider, resident, make_slot, offering):
    ended = ended_booking(resident, make_slot, offering)
    login(client, other_staff)

    client.post(f"/provider/{other_provider.pk}/bookings/{ended.code}/no-show/")

    ended.refresh_from_db()
    assert ended.status == Booking.Status.BOOKED


def test_csv_has_the_header_the_bom_and_the_rows(client, staff, provider, today_booking, resident):
    login(client, staff)

    response = client.get(f"/provider/{provider.pk}/day.csv", {"date": today().isoformat()})

    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        f'attachment; filename="bookings-{provider.code}-{today().isoformat()}.csv"'
    )
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert len(rows[0]) == 9
    time_, service, code, name, dependant, phone, note, status, channel = rows[1]
    assert (service, code, name, dependant, phone, note) == (
        "免费法律咨询",
        today_booking.code,
        "张三",
        "",
        "138****5678",
        "带上合同",
    )
    assert (status, channel) == ("已预约", "网上预约")
    assert time_.startswith(f"{timezone.localtime(today_booking.slot.starts_at):%H:%M}")


def test_filter_by_offering(client, staff, provider, offering, sector, make_slot, today_booking, other_resident):
    second = add_offering(create_service("社保咨询", sector), provider)
    other = services.book(other_resident, make_slot(second, starts_in=later_today()).pk)
    login(client, staff)

    html = client.get(day_url(provider, offering=second.pk)).content.decode()
    assert other.code in html
    assert today_booking.code not in html
    assert f'<option value="{second.pk}" selected>' in html

    html = client.get(day_url(provider)).content.decode()
    assert other.code in html and today_booking.code in html


def test_week_counts_bookings_per_day_and_offering(client, staff, provider, today_booking):
    login(client, staff)

    response = client.get(f"/provider/{provider.pk}/week/", {"date": today().isoformat()})

    assert response.status_code == 200
    days = response.context["days"]
    assert len(days) == 7
    assert days[0]["day"].weekday() == 0
    (row,) = [row for row in days if row["day"] == today()]
    assert row["total"] == 1
    assert row["counts"][0][0] == 1
    assert sum(r["total"] for r in days) == 1


def test_query_count_does_not_grow_with_the_bookings(client, staff, provider, offering, make_slot, make_user):
    ahead = later_today()
    slot = make_slot(offering, starts_in=ahead, capacity=20)
    login(client, staff)

    def book(count):
        for index in range(count):
            user = make_user(email=f"r{index}-{count}@example.com", phone=f"1390000{index:02d}{count:02d}")
            services.book(user, slot.pk)

    def queries(url):
        client.get(url)  # the first request also reads the header and footer, kept for the next (cms/chrome.py)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    book(1)
    urls = [day_url(provider), f"/provider/{provider.pk}/day/print/", f"/provider/{provider.pk}/day.csv"]
    with_one = [queries(url) for url in urls]
    book(9)
    assert Booking.objects.filter(slot=slot).count() == 10
    assert [queries(url) for url in urls] == with_one


@pytest.mark.parametrize(
    "query",
    [
        {"date": "not-a-date"},
        {"date": "2026-02-30"},
        {"date": "9999-12-31"},
        {"date": "0001-01-01"},
        {"date": "2026-13-01"},
        {"offering": "abc"},
        {"offering": "999999"},
        {"offering": "-1"},
        {"date": "x" * 500, "offering": "1.5"},
    ],
)
def test_bad_values_are_ignored_not_fatal(client, staff, provider, other_offering, query):
    login(client, staff)

    for page in ("day/", "week/", "day.csv", "day/print/"):
        response = client.get(f"/provider/{provider.pk}/{page}", query)
        assert response.status_code == 200, page
    html = client.get(f"/provider/{provider.pk}/day/", query).content.decode()
    assert 'role="alert"' in html


def test_another_providers_offering_is_not_a_filter(client, staff, provider, other_offering):
    login(client, staff)

    response = client.get(day_url(provider, offering=other_offering.pk))

    assert response.status_code == 200
    assert response.context["offering"] is None


def test_get_is_refused_on_the_post_urls(client, staff, provider, today_booking):
    login(client, staff)

    assert client.get(f"/provider/{provider.pk}/check-in/").status_code == 405
    assert client.get(f"/provider/{provider.pk}/bookings/{today_booking.code}/no-show/").status_code == 405


def test_the_site_header_leads_staff_and_only_staff_to_the_console(client, staff, resident, home_page):
    client.force_login(staff)
    assert 'href="/provider/"' in client.get("/").content.decode()

    client.force_login(resident)
    assert 'href="/provider/"' not in client.get("/").content.decode()


def test_the_day_list_and_csv_say_who_a_booking_is_for(client, staff, provider, offering, make_slot, resident):
    from marketplace.users.services import add_dependant

    mother = add_dependant(resident, "王秀英", "parent", "13700001111")
    booking = services.book(resident, make_slot(offering, starts_in=later_today()).pk, dependant=mother.pk)
    login(client, staff)

    html = client.get(day_url(provider)).content.decode()
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/provider/{provider.pk}/day.csv", {"date": today().isoformat()}).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )

    with translation.override("zh-hans"):
        label, header = str(mother.label), translation.gettext("Dependant")
    assert booking.code in html
    assert label.startswith("王秀英") and label in html
    assert "13700001111" not in html
    assert rows[0][4] == header
    assert rows[1][3:5] == ["张三", label]
