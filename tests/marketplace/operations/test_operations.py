"""The district administrator's operations view (issue 19, item 7): bookings found by code or phone,
in the booking domain's words, masked, each look written down for the resident to see."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.audit.models import Access
from marketplace.booking import services
from marketplace.booking.models import Booking
from tests.cms.english import visible_text
from tests.conftest import PASSWORD
from tests.words import words_on

pytestmark = pytest.mark.usefixtures("daytime")

SHOP_WORDS = ("商品", "购物", "运费", "配送", "优惠", "库存", "UPC", "订单", "店铺", "booked", "no_show")


@pytest.fixture
def booking(today_booking):
    return today_booking


@pytest.fixture
def admin(client, admin_user):
    client.force_login(admin_user)
    return client


def text_of(response):
    return visible_text(response.content.decode())


def test_the_administrator_lands_on_the_operations_view_after_signing_in(client, admin_user):
    response = client.post(
        reverse("customer:login"),
        {"login_submit": "1", "login-username": admin_user.email, "login-password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("operations:bookings")


def test_the_dashboards_front_page_leads_to_the_operations_view(admin):
    response = admin.get(reverse("dashboard:index"))
    assert response.status_code == 302 and response.url == reverse("operations:bookings")


def test_a_provider_signing_in_is_not_sent_to_the_district_pages(client, staff):
    staff.is_staff = True
    staff.save()
    response = client.post(
        reverse("customer:login"),
        {"login_submit": "1", "login-username": staff.email, "login-password": PASSWORD},
    )
    assert response.url != reverse("operations:bookings")


def test_only_the_district_administrator_opens_it(client, booking, resident, staff):
    pages = [
        reverse("operations:bookings"),
        reverse("operations:booking-export"),
        reverse("operations:booking-detail", args=[booking.code]),
    ]
    for url in pages:
        assert client.get(url).status_code == 302  # to sign in
    for user in (resident, staff):
        client.force_login(user)
        for url in pages:
            assert client.get(url).status_code == 403, (user, url)
    assert not Access.objects.filter(what__in=Access.BY_DISTRICT).exists()


def test_the_days_list_speaks_of_appointments_masked_and_in_words(admin, booking):
    response = admin.get(reverse("operations:bookings"))
    page = text_of(response)
    assert response.status_code == 200
    assert booking.code in page
    assert "免费法律咨询" in page and "拓东街道公共法律服务工作站" in page
    assert timezone.localtime(booking.slot.starts_at).strftime("%H:%M") in page
    assert "张*" in page and "138****5678" in page
    assert "张三" not in page and "13812345678" not in page and "resident@example.com" not in page
    assert "已预约" in page
    assert words_on(page, SHOP_WORDS) == []
    assert Access.objects.filter(what=Access.What.OPS_DAY, person=booking.user).exists()


def test_a_booking_is_found_by_its_code_typed_loosely(admin, booking):
    typed = booking.code.lower()[:4] + " " + booking.code.lower()[4:]
    page = text_of(admin.get(reverse("operations:bookings"), {"q": typed}))
    assert booking.code in page and "张*" in page


def test_a_lookup_by_phone_finds_the_residents_bookings_and_is_logged(admin, admin_user, booking, other_resident):
    page = text_of(admin.get(reverse("operations:bookings"), {"q": "138 1234 5678"}))
    assert booking.code in page
    seen = Access.objects.get(what=Access.What.OPS_LOOKUP)
    assert seen.viewer == admin_user and seen.person == booking.user and seen.booking_code == booking.code

    page = text_of(admin.get(reverse("operations:bookings"), {"q": other_resident.phone}))
    assert booking.code not in page
    assert "没有与此预约码或手机号对应的预约" in page


def test_the_resident_sees_that_the_district_looked(admin, client, booking, resident):
    admin.get(reverse("operations:booking-detail", args=[booking.code]))
    client.force_login(resident)
    page = text_of(client.get(reverse("access-log")))
    assert booking.code in page
    assert "区级管理" in page


def test_nonsense_and_unknown_codes_answer_without_an_error(admin, booking):
    response = admin.get(reverse("operations:bookings"), {"q": "<script>"})
    assert response.status_code == 200
    assert "既不是预约码，也不是手机号" in text_of(response)
    assert admin.get(reverse("operations:booking-detail", args=["NOSUCH99"])).status_code == 404
    assert admin.get(reverse("operations:bookings"), {"date": "2026-13-45"}).status_code == 200


def test_the_detail_shows_the_appointment_and_the_bookings_history(admin, booking):
    services.cancel_booking(booking, by=Booking.CancelledBy.PROVIDER, reason="设备检修", check_deadline=False)
    page = text_of(admin.get(reverse("operations:booking-detail", args=[booking.code])))
    assert "免费法律咨询" in page and "拓东街道公共法律服务工作站" in page
    assert "已取消" in page
    assert "预约记录" in page and "取消预约" in page  # its history, down to the cancelling
    assert "张三" not in page and "13812345678" not in page


def test_the_export_is_the_list_with_every_cell_safe(admin, booking, resident):
    resident.name = "=HYPERLINK(1)"
    resident.save()
    response = admin.get(reverse("operations:booking-export"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["预约时间", "服务", "服务机构"]
    (row,) = rows[1:]
    assert row[3] == booking.code and row[6] == "已预约"
    assert row[4].startswith("'=") and "13812345678" not in response.content.decode("utf-8-sig")
    assert Access.objects.filter(what=Access.What.OPS_CSV, person=resident).exists()
