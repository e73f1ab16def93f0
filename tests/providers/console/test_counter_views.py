"""The console's counter pages: find or register a resident by phone, book with their consent, print a slip."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from catalog.services import add_offering
from marketplace.booking import services
from marketplace.booking.models import Booking
from marketplace.users.services import register_resident_at_counter
from providers.console.counter_forms import resident_token
from tests.conftest import later_today

# Bookings of today, checked in today: at 10:00 local time, whatever the hour the tests run (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("daytime")


User = get_user_model()


def soon_today(minutes_earlier=0):
    """A start later today, a few minutes before ``later_today()`` so slots of one offering do not collide."""
    return later_today() - timedelta(minutes=minutes_earlier)


@pytest.fixture
def counter_slot(make_slot, offering):
    """Later today; two places, one of them held back for walk-ins."""
    return make_slot(offering, starts_in=soon_today(1), capacity=2, counter_capacity=1)


@pytest.fixture
def other_slot(make_slot, service, other_provider):
    return make_slot(add_offering(service, other_provider), starts_in=later_today())


def login(client, user, language="en"):
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = language
    return client


def base(provider):
    return f"/provider/{provider.pk}/counter"


def token_in(page):
    """The signed resident value the page carries to the next step."""
    return re.search(r'name="resident" value="([^"]+)"', page).group(1)


def book_url_in(page):
    return re.search(r'href="(/provider/\d+/counter/book/\?resident=[^"]+)"', page).group(1).replace("&amp;", "&")


def booking_post(token, slot, consent=True, **extra):
    data = {"resident": token, "slot": slot.pk, "note": "", **extra}
    if consent:
        data["consent"] = "on"
    return data


# Who may use which URL

KINDS = ["anonymous", "resident", "staff of A", "staff of B"]


def visitor(kind, resident, staff, other_staff):
    return {"anonymous": None, "resident": resident, "staff of A": staff, "staff of B": other_staff}[kind]


EXPECTED = {
    "anonymous": dict.fromkeys(["counter", "lookup", "register", "book", "book-post", "booked", "slip"], 302),
    "resident": dict.fromkeys(["counter", "lookup", "register", "book", "book-post", "booked", "slip"], 404),
    "staff of A": {
        "counter": 200,
        "lookup": 200,
        "register": 302,
        "book": 200,
        "book-post": 302,
        "booked": 200,
        "slip": 200,
    },
    "staff of B": dict.fromkeys(["counter", "lookup", "register", "book", "book-post", "booked", "slip"], 404),
}


def counter_urls(provider, token, slot, code):
    """(method, url, data) of every counter URL of ``provider``."""
    return {
        "counter": ("get", f"{base(provider)}/", {}),
        "lookup": ("post", f"{base(provider)}/", {"phone": "138 1234 5678"}),
        "register": ("post", f"{base(provider)}/register/", {"name": "王奶奶", "phone": "13611112222", "email": ""}),
        "book": ("get", f"{base(provider)}/book/", {"resident": token}),
        "book-post": ("post", f"{base(provider)}/book/", booking_post(token, slot)),
        "booked": ("get", f"{base(provider)}/bookings/{code}/", {}),
        "slip": ("get", f"{base(provider)}/bookings/{code}/slip/", {}),
    }


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("page", list(EXPECTED["anonymous"]))
def test_every_counter_url_answers_each_visitor(
    client, kind, page, provider, resident, other_resident, staff, other_staff, counter_slot, today_booking
):
    # A token as A's staff would carry it, to see that nobody else gets anywhere with it either.
    token = resident_token(staff, provider, other_resident)
    method, url, data = counter_urls(provider, token, counter_slot, today_booking.code)[page]
    login(client, visitor(kind, resident, staff, other_staff))
    users_before = User.objects.count()

    response = getattr(client, method)(url, data)

    assert response.status_code == EXPECTED[kind][page]
    if kind == "anonymous":
        assert response["Location"].startswith("/shop/accounts/login/")
    if kind != "staff of A":
        assert User.objects.count() == users_before
        assert not Booking.objects.filter(channel=Booking.Channel.COUNTER).exists()
        counter_slot.refresh_from_db()
        assert counter_slot.num_booked == 0


def test_an_unknown_provider_is_not_found(client, staff):
    login(client, staff)

    assert client.get("/provider/999999/counter/").status_code == 404
    assert client.post("/provider/999999/counter/", {"phone": "13812345678"}).status_code == 404


def test_post_only_and_get_only_urls_refuse_the_other_method(client, staff, provider, today_booking):
    login(client, staff)

    assert client.get(f"{base(provider)}/register/").status_code == 405
    assert client.post(f"{base(provider)}/bookings/{today_booking.code}/").status_code == 405
    assert client.post(f"{base(provider)}/bookings/{today_booking.code}/slip/").status_code == 405
    assert client.put(f"{base(provider)}/").status_code == 405


# The whole walk: phone → resident → slot with consent → code and slip


def test_a_resident_found_by_phone_is_booked_with_consent(client, staff, provider, resident, counter_slot):
    login(client, staff)

    found = client.post(f"{base(provider)}/", {"phone": "+86 138-1234-5678"})

    page = found.content.decode()
    assert resident.name in page
    assert "138****5678" in page
    assert "Book for this resident" in page

    step_two = client.get(book_url_in(page))

    page = step_two.content.decode()
    assert step_two.status_code == 200
    assert resident.name in page and "138****5678" in page
    assert resident.phone not in page
    assert f'value="{counter_slot.pk}"' in page
    assert "1 free online · 1 held for the counter" in page
    assert "agrees that staff book this service for them" in page

    booked = client.post(
        f"{base(provider)}/book/", booking_post(token_in(page), counter_slot, note="需要轮椅"), follow=True
    )

    booking = Booking.objects.get()
    assert booked.redirect_chain == [(f"{base(provider)}/bookings/{booking.code}/", 302)]
    assert booking.user == resident
    assert booking.channel == Booking.Channel.COUNTER
    assert booking.booked_by == staff
    assert booking.consent_at is not None
    assert booking.note == "需要轮椅"
    page = booked.content.decode()
    assert f'<p class="counter-code" aria-describedby="code-help">{booking.code}</p>' in page
    assert resident.phone not in page

    slip = client.get(f"{base(provider)}/bookings/{booking.code}/slip/").content.decode()
    assert booking.code in slip
    assert "138****5678" in slip and resident.phone not in slip
    assert provider.address in slip
    assert "<svg" in slip  # the check-in QR, for the counter's scanner


def test_a_new_resident_is_registered_without_email_and_booked(client, staff, provider, counter_slot):
    login(client, staff)

    found = client.post(f"{base(provider)}/", {"phone": "136 1111 2222"})

    assert "Nobody is registered with this phone number yet." in found.content.decode()
    assert f'action="{base(provider)}/register/"' in found.content.decode()

    registered = client.post(
        f"{base(provider)}/register/", {"name": "王奶奶", "phone": "136 1111 2222", "email": ""}, follow=True
    )

    walk_in = User.objects.get(phone="13611112222")
    assert walk_in.name == "王奶奶"
    assert walk_in.email is None
    page = registered.content.decode()
    assert "王奶奶 (136****2222) is registered" in page
    assert registered.request["PATH_INFO"] == f"{base(provider)}/book/"

    client.post(f"{base(provider)}/book/", booking_post(token_in(page), counter_slot))

    assert Booking.objects.get().user == walk_in


def test_a_new_resident_may_give_an_email(client, staff, provider):
    login(client, staff)

    client.post(f"{base(provider)}/register/", {"name": "王奶奶", "phone": "13611112222", "email": "wang@example.com"})

    assert User.objects.get(phone="13611112222").email == "wang@example.com"


def test_an_email_already_in_use_is_refused_and_nobody_is_created(client, staff, provider, resident):
    login(client, staff)

    response = client.post(
        f"{base(provider)}/register/", {"name": "王奶奶", "phone": "13611112222", "email": resident.email}
    )

    assert response.status_code == 200
    assert "An account already uses this email address" in response.content.decode()
    assert not User.objects.filter(phone="13611112222").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "phone": "13611112222"}, "Enter the resident&#x27;s name."),
        ({"name": "王奶奶", "phone": "12345"}, "Enter a mainland China mobile number"),
        ({"name": "王奶奶", "phone": "13611112222", "email": "nope"}, "Enter a valid email address."),
    ],
)
def test_bad_registrations_show_the_reason_and_create_nobody(client, staff, provider, data, message):
    login(client, staff)
    before = User.objects.count()

    response = client.post(f"{base(provider)}/register/", data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == before


def test_a_phone_that_is_not_a_mobile_number_says_so(client, staff, provider):
    login(client, staff)

    response = client.post(f"{base(provider)}/", {"phone": "0871-6310"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a mainland China mobile number" in page
    assert "Accounts with this phone number" not in page


def test_the_clerk_chooses_between_people_sharing_a_phone(client, staff, provider, resident, counter_slot):
    grandmother = register_resident_at_counter("张奶奶", resident.phone)
    login(client, staff)

    page = client.post(f"{base(provider)}/", {"phone": resident.phone}).content.decode()

    assert "Several people use this number" in page
    assert page.index(resident.name) < page.index("张奶奶")
    assert "registered at a counter" in page and "has an online account" in page
    urls = re.findall(r'href="(/provider/\d+/counter/book/\?resident=[^"]+)"', page)
    assert len(urls) == 2
    step_two = client.get(urls[1].replace("&amp;", "&")).content.decode()
    client.post(f"{base(provider)}/book/", booking_post(token_in(step_two), counter_slot))

    assert Booking.objects.get().user == grandmother


def test_the_lookup_does_not_reveal_other_peoples_phones(client, staff, provider, resident, other_resident):
    login(client, staff)

    page = client.post(f"{base(provider)}/", {"phone": resident.phone}).content.decode()

    assert other_resident.phone not in page
    assert other_resident.name not in page


# Refusals change nothing


def test_without_consent_nothing_is_booked(client, staff, provider, resident, counter_slot):
    login(client, staff)

    response = client.post(
        f"{base(provider)}/book/", booking_post(resident_token(staff, provider, resident), counter_slot, consent=False)
    )

    assert response.status_code == 200
    assert "Ask the resident for their consent" in response.content.decode()
    assert not Booking.objects.exists()
    counter_slot.refresh_from_db()
    assert counter_slot.num_booked == 0


def test_no_slot_chosen_says_so(client, staff, provider, resident, counter_slot):
    login(client, staff)

    response = client.post(
        f"{base(provider)}/book/", {"resident": resident_token(staff, provider, resident), "consent": "on"}
    )

    assert response.status_code == 200
    assert "Choose a time slot." in response.content.decode()
    assert not Booking.objects.exists()


@pytest.mark.parametrize("how", ["raw id", "forged", "another clerk's", "another provider's"])
def test_a_crafted_resident_value_books_nobody(
    client, how, staff, provider, other_provider, make_user, resident, counter_slot
):
    colleague = make_user(email="colleague@tuodong.example", phone="13700000003")
    provider.users.add(colleague)
    other_provider.users.add(staff)
    token = {
        "raw id": str(resident.pk),
        "forged": resident_token(staff, provider, resident)[:-2] + "xx",
        "another clerk's": resident_token(colleague, provider, resident),
        "another provider's": resident_token(staff, other_provider, resident),
    }[how]
    login(client, staff)

    response = client.post(f"{base(provider)}/book/", booking_post(token, counter_slot), follow=True)

    assert response.redirect_chain == [(f"{base(provider)}/", 302)]
    assert "Look the resident up by their phone number first." in response.content.decode()
    assert client.get(f"{base(provider)}/book/", {"resident": token}).status_code == 302
    assert not Booking.objects.exists()


def test_another_providers_slot_in_a_crafted_post_is_not_found(
    client, staff, other_staff, provider, resident, other_slot
):
    # Even a clerk of both providers books on the console's provider only.
    other_slot.offering.partner.users.add(staff)
    login(client, staff)

    response = client.post(
        f"{base(provider)}/book/", booking_post(resident_token(staff, provider, resident), other_slot)
    )

    assert response.status_code == 404
    assert "There is no such time slot." in response.content.decode()
    assert not Booking.objects.exists()
    other_slot.refresh_from_db()
    assert other_slot.num_booked == 0


def test_staff_of_b_cannot_look_up_residents_through_as_console(client, other_staff, provider, resident):
    login(client, other_staff)

    response = client.post(f"{base(provider)}/", {"phone": resident.phone})

    assert response.status_code == 404
    assert resident.name not in response.content.decode()


def test_the_residents_limit_is_explained_at_the_counter(client, staff, provider, resident, make_slot, offering):
    services.book(resident, make_slot(offering, starts_in=timedelta(days=1)).pk)
    services.book(resident, make_slot(offering, starts_in=timedelta(days=2)).pk)
    third = make_slot(offering, starts_in=later_today(), counter_capacity=1)
    login(client, staff)

    response = client.post(f"{base(provider)}/book/", booking_post(resident_token(staff, provider, resident), third))

    assert response.status_code == 409
    assert "upcoming bookings of this service, the most allowed" in response.content.decode()
    assert Booking.objects.count() == 2
    third.refresh_from_db()
    assert third.num_booked == 0


def test_a_slot_that_filled_up_meanwhile_is_explained(
    client, staff, provider, resident, make_user, make_slot, offering
):
    slot = make_slot(offering, starts_in=later_today(), capacity=1)
    token = resident_token(staff, provider, resident)
    login(client, staff)
    client.get(f"{base(provider)}/book/", {"resident": token})
    services.book(make_user(email="quick@example.com", phone="13911110000"), slot.pk)

    response = client.post(f"{base(provider)}/book/", booking_post(token, slot))

    assert response.status_code == 409
    assert "fully booked" in response.content.decode()
    assert Booking.objects.count() == 1


# Step 2's list of times


def test_step_two_lists_the_times_the_counter_can_still_book(client, staff, provider, resident, make_slot, offering):
    begun = make_slot(offering, starts_in=timedelta(minutes=-5), length=timedelta(hours=2))
    full = make_slot(offering, starts_in=later_today(), capacity=1, num_booked=1)
    closed = make_slot(offering, starts_in=soon_today(1), is_open=False)
    online_full = make_slot(offering, starts_in=soon_today(2), capacity=2, counter_capacity=2, num_booked=1)
    login(client, staff)

    page = client.get(
        f"{base(provider)}/book/",
        {"resident": resident_token(staff, provider, resident), "date": services.local_day(timezone.now())},
    ).content.decode()

    today = services.local_day(timezone.now())
    if services.local_day(begun.starts_at) == today:
        assert f'value="{begun.pk}"' in page
        assert "has begun" in page
    assert f'value="{full.pk}"' not in page
    assert f'value="{closed.pk}"' not in page
    assert f'value="{online_full.pk}"' in page
    assert "0 free online · 1 held for the counter" in page


def test_step_two_keeps_the_resident_while_the_clerk_changes_day(
    client, staff, provider, resident, make_slot, offering
):
    tomorrow_slot = make_slot(offering, starts_in=timedelta(days=1))
    token = resident_token(staff, provider, resident)
    login(client, staff)
    day = services.local_day(tomorrow_slot.starts_at)

    page = client.get(f"{base(provider)}/book/", {"resident": token, "date": day.isoformat()}).content.decode()

    assert f'value="{tomorrow_slot.pk}"' in page
    assert f'name="resident" value="{token}"' in page
    assert f'name="date" value="{day.isoformat()}"' in page
    assert "?resident=" in page and f"date={(day + timedelta(days=1)).isoformat()}" in page


# The rest of the console


def test_the_nav_leads_to_the_counter(client, staff, provider):
    login(client, staff)

    day = client.get(f"/provider/{provider.pk}/day/").content.decode()
    counter = client.get(f"{base(provider)}/").content.decode()

    assert f'href="{base(provider)}/"' in day
    assert f'active" aria-current="page" href="{base(provider)}/"' in counter


def test_the_day_list_says_which_bookings_were_made_at_the_counter(client, staff, provider, resident, counter_slot):
    booking = services.book_at_counter(staff, counter_slot.pk, resident, consent=True)
    login(client, staff)

    page = client.get(f"/provider/{provider.pk}/day/", {"date": services.local_day(counter_slot.starts_at)})

    row = re.search(rf"<td[^>]*>{booking.code}</td>.*?</tr>", page.content.decode(), re.S)
    assert "Booked at the counter" in row.group(0)


def test_the_confirmation_of_another_providers_booking_is_not_found(
    client, staff, provider, other_resident, other_slot
):
    elsewhere = services.book(other_resident, other_slot.pk)
    login(client, staff)

    assert client.get(f"{base(provider)}/bookings/{elsewhere.code}/").status_code == 404
    assert client.get(f"{base(provider)}/bookings/{elsewhere.code}/slip/").status_code == 404
    assert client.get(f"{base(provider)}/bookings/NOSUCHCO/").status_code == 404


def test_the_counter_pages_speak_chinese_by_default(client, staff, provider):
    login(client, staff, language="zh-hans")

    page = client.get(f"{base(provider)}/").content.decode()

    assert '<html lang="zh-hans"' in page
