"""The district's statistics by channel: every channel a row, hotline and grid worker bookings and matters
counted where they came in."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from marketplace.booking import services
from marketplace.hotline import services as hotline_services
from marketplace.matters import services as matter_services
from marketplace.matters.models import Desk, Matter
from marketplace.operations import statistics

pytestmark = pytest.mark.usefixtures("daytime")


@pytest.fixture
def operator(make_user):
    user = make_user(email="hotline@example.com", name="钱坐席", phone="13700871006")
    user.user_permissions.add(Permission.objects.get(content_type__app_label="hotline", codename="take_calls"))
    return user


def row(page, table, channel):
    cells = re.search(rf'<tr id="{table}-{channel}">(.*?)</tr>', page, re.S).group(1)
    return [int(number) for number in re.findall(r'<td class="text-right">(\d+)</td>', cells)]


def test_hotline_bookings_and_matters_count_in_their_own_row(
    client, admin_user, operator, resident, other_resident, make_slot, offering, provider
):
    Desk.objects.create(kind="legal_question", organisation=provider, is_default=True)
    slot = make_slot(offering, starts_in=timedelta(days=1))
    services.book(other_resident, slot.pk)
    hotline_services.book_by_hotline(operator, slot.pk, resident, consent=True)
    matter_services.submit(
        resident,
        "legal_question",
        "邻居漏水怎么办？",
        fields={"category": "housing"},
        channel=Matter.Channel.HOTLINE,
        submitted_by=operator,
    )
    matter_services.submit(other_resident, "legal_question", "工资被拖欠", fields={"category": "labour"})

    client.force_login(admin_user)
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/operations/channels/").content.decode()

    assert "按渠道统计" in page
    assert row(page, "bookings", "online") == [1, 0, 0]
    assert row(page, "bookings", "hotline") == [1, 0, 0]
    assert row(page, "bookings", "counter") == row(page, "bookings", "grid") == [0, 0, 0]
    assert row(page, "matters", "hotline") == [1]
    assert row(page, "matters", "web") == [1]
    assert row(page, "matters", "grid") == [0]
    # another month has none of them
    month = statistics.month_of(None, timezone.now())
    earlier = client.get(f"/operations/channels/?month={month.preceding.label}").content.decode()
    assert row(earlier, "bookings", "hotline") == [0, 0, 0] and row(earlier, "matters", "hotline") == [0]


def test_a_month_that_is_not_one_is_the_running_month(client, admin_user):
    client.force_login(admin_user)

    for month in ("2026-13", "x", "99999-01", "2026-1-1"):
        assert client.get(f"/operations/channels/?month={month}").status_code == 200


@pytest.mark.parametrize("kind", ["resident", "staff", "operator"])
def test_only_the_district_reads_the_statistics(client, resident, staff, operator, kind):
    client.force_login({"resident": resident, "staff": staff, "operator": operator}[kind])

    assert client.get("/operations/channels/").status_code == 403
