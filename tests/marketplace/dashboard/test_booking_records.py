"""Oscar's order list and page, as the district administrator still reads them, are booking records in the
booking domain's words (issue 19, item 7): no goods, quantities, shipping or UPC, statuses in words, and no
call to the table function Oscar's dashboard script does not have (the order page's JavaScript error)."""

import pytest
from django.urls import reverse

from tests.cms.english import visible_text
from tests.words import words_on

pytestmark = pytest.mark.usefixtures("daytime")

SHOP_WORDS = ("商品", "运费", "配送", "发货", "数量", "优惠", "UPC", "SKU", "购买", "订购", "booked")


def test_the_record_list_and_page_speak_of_bookings(client, admin_user, today_booking):
    client.force_login(admin_user)
    for url in (
        reverse("dashboard:order-list"),
        reverse("dashboard:order-detail", kwargs={"number": today_booking.order.number}),
    ):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        page = visible_text(html)
        assert today_booking.code in page and "免费法律咨询" in page and "拓东街道公共法律服务工作站" in page
        assert "已预约" in page
        assert "预约台账" in page
        assert words_on(page, SHOP_WORDS) == [], url
        assert "initTable" not in html
        assert "13812345678" not in page and "resident@example.com" not in page
