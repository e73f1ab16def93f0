"""An online booking's confirmation and reminder carry its join link and the time, never an address (issue 21)."""

from datetime import timedelta

import pytest
from django.core import mail

from marketplace.booking import online, services
from marketplace.notifications import notices

pytestmark = pytest.mark.django_db


@pytest.fixture
def online_booking(resident, offering, make_slot):
    type(offering.product).objects.filter(pk=offering.product_id).update(mode="online")
    offering.product.refresh_from_db()
    return services.book(resident, make_slot(offering, starts_in=timedelta(days=1)).pk)


def test_the_confirmation_and_reminder_carry_the_join_link_and_no_address(sms, resident, provider, online_booking):
    mail.outbox.clear()
    join_url = online.join_url(online_booking)
    assert join_url == f"https://fuwu.panlong.example/shop/accounts/bookings/{online_booking.code}/join/"

    notices.confirm(online_booking)
    notices.remind(online_booking)

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert join_url in message.body
        assert provider.address not in message.body
        assert "出示" not in message.body  # nothing to show at a counter
    texts = sms.to(resident.phone)
    assert len(texts) == 2
    assert all(join_url in text and provider.address not in text for text in texts)
    # The calendar file attached to the confirmation places the event at the link.
    (_name, calendar, _type) = mail.outbox[0].attachments[0]
    assert f"LOCATION:{join_url}" in calendar.replace("\r\n ", "")


def test_an_onsite_confirmation_is_unchanged(sms, resident, provider, offering, make_slot):
    booking = services.book(resident, make_slot(offering).pk)
    mail.outbox.clear()
    notices.confirm(booking)
    (message,) = mail.outbox
    assert provider.address in message.body and "/join/" not in message.body
    assert "/join/" not in sms.to(resident.phone)[0]
