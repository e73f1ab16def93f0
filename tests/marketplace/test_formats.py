"""Pages write dates, times and money the way the page's language does.

Chinese: 2026年11月28日 星期六 09:00 and ¥1,280.00; English: Saturday 28 November
2026, 09:00 and ¥1,280.00 (one currency, so one sign: the yuan's, before the amount).
"""

import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.services import add_offering, create_service
from marketplace import elderly
from marketplace.booking import services
from tests.conftest import PASSWORD
from tests.marketplace.notifications.test_languages import long_when

LANGUAGES = ["zh-hans", "en"]


def client_in(language, user=None):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        assert client.login(email=user.email, password=PASSWORD)
    return client


def day_heading(day, language):
    weekday = long_when(timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 12)), language)
    return weekday.rsplit(" ", 1)[0].rstrip(",")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_booking_page_writes_its_time_in_the_pages_language(resident, slot, language):
    booking = services.book(resident, slot.pk)
    html = client_in(language, resident).get(reverse("booking-detail", kwargs={"code": booking.code})).content.decode()
    assert long_when(slot.starts_at, language) in html
    shown = re.sub(r'datetime="[^"]*"', "", html)  # machine-readable times stay ISO 8601
    assert f"{timezone.localtime(slot.starts_at):%Y-%m-%d}" not in shown


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_service_page_heads_the_times_with_their_date_and_weekday(service_page, slot, language):
    html = BeautifulSoup(client_in(language).get(service_page.url).content, "html.parser")
    assert day_heading(timezone.localtime(slot.starts_at).date(), language) in html.find(id="times-title").get_text()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_elderly_modes_earliest_time_is_written_in_full(service_page, slot, language):
    client = client_in(language)
    client.cookies[elderly.COOKIE] = "1"
    html = client.get(service_page.url).content.decode()
    assert long_when(slot.starts_at, language) in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_paid_booking_shows_its_price_in_yuan(resident, sector, provider, make_slot, language):
    service = create_service("心理咨询", sector, summary="一对一心理咨询")
    paid = make_slot(add_offering(service, provider, Decimal("12.00")))
    booking = services.book(resident, paid.pk)
    html = client_in(language, resident).get(reverse("booking-detail", kwargs={"code": booking.code})).content.decode()
    assert "¥12.00" in html
    assert "元" not in html.replace("云超市", "")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_price_of_a_thousand_yuan_or_more_is_written_alike_on_the_service_and_the_booking(
    resident, service, service_page, provider, make_slot, language
):
    paid = make_slot(add_offering(service, provider, Decimal("1280.00")))
    booking = services.book(resident, paid.pk)
    client = client_in(language, resident)
    service_html = client.get(service_page.url).content.decode()
    booking_html = client.get(reverse("booking-detail", kwargs={"code": booking.code})).content.decode()
    for html in (service_html, booking_html):
        assert "¥1,280.00" in html
        assert "¥1280" not in html
