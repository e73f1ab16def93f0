"""What waits for the resident's answer is flagged in the header and at the top of "my bookings"
(issue 19, item 4): a waiting-list place offered to them, a follow-up case the provider answered,
a visit to rate."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from marketplace.booking import services, waitlist
from ratings import services as ratings
from tests.conftest import ended_booking


@pytest.fixture
def three_things(resident, other_resident, staff, make_slot, offering, rated_visit, django_capture_on_commit_callbacks):
    full = make_slot(offering, starts_in=timedelta(days=2), capacity=1)
    holder = services.book(other_resident, full.pk)
    waitlist.join(resident, full.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(holder)  # the place is offered to the resident
    poor = rated_visit(resident, offering, 1, comment="等了很久", ago=timedelta(hours=5))
    ratings.answer_case(staff, poor.matter.pk, "已增加窗口，抱歉。")
    visit = ended_booking(resident, make_slot, offering, ended_ago=timedelta(hours=2), status="checked_in")
    return visit


def header_of(client, url="/"):
    return BeautifulSoup(client.get(url).content, "html.parser").find("header")


def test_the_header_counts_what_waits_with_an_accessible_name(client, resident, home_page, three_things):
    client.force_login(resident)
    client.cookies["django_language"] = "en"
    badge = header_of(client).find("a", class_="attention-badge")
    assert badge["href"] == reverse("my-bookings") + "#waiting-for-you"
    assert " ".join(badge.get_text().split()) == "For you to do 3: 3 things wait for you"
    assert badge.find(class_="badge")["aria-hidden"] == "true"  # the number is said once, in words


def test_my_bookings_lists_each_thing_first_with_the_way_to_answer_it(client, resident, home_page, three_things):
    client.force_login(resident)
    client.cookies["django_language"] = "en"
    main = BeautifulSoup(client.get(reverse("my-bookings")).content, "html.parser").find("main")
    waiting = main.find(id="waiting-for-you")
    assert waiting is main.find("section")  # the first section of the page
    links = [a["href"] for a in waiting.find_all("a")]
    case_booking = resident.bookings.filter(rating__matter__isnull=False).get()
    assert links == [
        "#waitlist",
        reverse("ratings:rate", kwargs={"code": case_booking.code}) + "#follow-up",
        reverse("ratings:rate", kwargs={"code": three_things.code}),
    ]


def test_nothing_waiting_no_flag(client, resident, home_page):
    client.force_login(resident)
    assert header_of(client).find("a", class_="attention-badge") is None
    assert 'id="waiting-for-you"' not in client.get(reverse("my-bookings")).content.decode()


def test_a_visitor_has_no_flag(client, home_page):
    assert header_of(client).find("a", class_="attention-badge") is None
