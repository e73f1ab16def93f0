"""No provider reads a resident's email address: not on a console page, in a CSV, on a print-out or slip,
nor in an answer of the provider API, even for a resident who never gave a name."""

import pytest

from marketplace.booking import services
from providers.console import reads
from tests.conftest import later_today
from tests.marketplace.api.conftest import API, authorised_client

SECRET = "private.mailbox@example.com"

# The day's list and check-in need a booking later today, which late in the evening there is none of.
pytestmark = pytest.mark.usefixtures("daytime")


@pytest.fixture
def nameless_booking(make_user, make_slot, offering):
    resident = make_user(email=SECRET, name="", phone="13912345678")
    return services.book(resident, make_slot(offering, starts_in=later_today()).pk, note="")


def test_no_console_page_shows_the_residents_email(client, staff, provider, nameless_booking):
    client.force_login(staff)
    base = f"/provider/{provider.pk}"
    day = reads.today().isoformat()
    pages = [
        f"{base}/day/?date={day}",
        f"{base}/day.csv?date={day}",
        f"{base}/day/print/?date={day}",
        f"{base}/week/",
        f"{base}/bookings/{nameless_booking.code}/history/",
        f"{base}/counter/bookings/{nameless_booking.code}/",
        f"{base}/counter/bookings/{nameless_booking.code}/slip/",
    ]
    answers = {url: client.get(url) for url in pages}
    answers["counter lookup"] = client.post(f"{base}/counter/", {"phone": "13912345678"})
    assert {url: response.status_code for url, response in answers.items()} == dict.fromkeys(answers, 200)
    assert [url for url, response in answers.items() if SECRET in response.content.decode()] == []
    # The phone is masked as everywhere else, and the resident is still recognisable by it.
    day_page = answers[pages[0]].content.decode()
    assert "13912345678" not in day_page and "139****5678" in day_page


def test_the_provider_api_does_not_answer_with_the_residents_email(staff, nameless_booking):
    api = authorised_client(staff)
    response = api.post(f"{API}/provider/checkins", {"code": nameless_booking.code}, content_type="application/json")
    assert response.status_code == 200
    assert SECRET not in response.content.decode()
