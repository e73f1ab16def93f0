"""The service page tells residents how each provider of the service is rated, and shows the latest ratings."""

from datetime import timedelta
from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from catalog.services import add_offering
from ratings import services as ratings

Partner = get_model("partner", "Partner")


@pytest.fixture
def rate(rated_visit):
    """rate(user, offering, stars, …): a checked-in visit, rated ``ago`` before now."""
    return rated_visit


@pytest.fixture
def second_offering(service, street):
    partner = Partner.objects.create(name="鼓楼街道公共法律服务工作站", code="gulou-legal", street=street)
    return add_offering(service, partner, Decimal("0.00"))


def test_each_provider_shows_its_satisfaction_or_too_few_ratings(
    client, service_page, offering, second_offering, resident, rate, settings
):
    settings.SATISFACTION_MIN_SAMPLE = 3
    for stars in (5, 4, 4):
        rate(resident, offering, stars)
    rate(resident, second_offering, 5)

    response = client.get(service_page.url)

    assert response.status_code == 200
    shown = {each.pk: satisfaction for each, satisfaction in response.context["offering_satisfaction"]}
    assert shown[offering.pk].distribution == (0, 0, 0, 2, 1) and shown[offering.pk].shown
    assert shown[second_offering.pk].count == 1 and not shown[second_offering.pk].shown
    html = response.content.decode()
    first = html[html.index(f'id="satisfaction-offering-{offering.pk}"') :]
    second = html[html.index(f'id="satisfaction-offering-{second_offering.pk}"') :]
    assert "4.3" in first.split("satisfaction-offering-")[1]
    assert 'class="satisfaction-too-few' in second
    assert 'data-count="1"' in second


def test_a_short_rating_sits_above_the_times_and_on_each_provider(
    client, service_page, offering, second_offering, resident, rate, settings, make_slot
):
    from bs4 import BeautifulSoup

    settings.SATISFACTION_MIN_SAMPLE = 3
    for stars in (5, 4, 4):
        rate(resident, offering, stars)
    rate(resident, second_offering, 5)
    make_slot(offering, starts_in=timedelta(days=3))
    make_slot(second_offering, starts_in=timedelta(days=3))

    client.cookies["django_language"] = "en"
    html = BeautifulSoup(client.get(service_page.url).content, "html.parser")

    summary = html.find(class_="service-rating-summary")
    assert summary.get_text(" ", strip=True) == "Residents rate it 4.5 of 5 stars, from 4 ratings"
    assert summary.find("a")["href"] == "#ratings-title"
    assert summary.find_next(id="slots-title") is not None  # above the times, the details further down
    cards = {
        card["id"]: card.find(class_="provider-rating").get_text(" ", strip=True)
        for card in html.select(".provider-choice")
    }
    assert cards[f"provider-{offering.partner_id}"] == "★ 4.3 of 5 stars, 3 ratings"
    assert cards[f"provider-{second_offering.partner_id}"] == "1 rating, too few for an average"


def test_the_latest_five_visible_ratings_with_the_resident_masked_and_the_reply(
    client, service_page, offering, resident, other_resident, staff, admin_user, rate
):
    made = [rate(resident, offering, 4, ["friendly"], f"评价{n}", ago=timedelta(hours=n)) for n in range(1, 7)]
    hidden = rate(other_resident, offering, 1, comment="骂人的话", ago=timedelta(minutes=5))
    ratings.hide_rating(admin_user, hidden.pk, "人身攻击")
    ratings.reply_to_rating(staff, made[0].pk, "感谢您的肯定")

    response = client.get(service_page.url)

    assert [rating.pk for rating in response.context["recent_ratings"]] == [rating.pk for rating in made[:5]]
    html = response.content.decode()
    assert "骂人的话" not in html and "人身攻击" not in html
    assert "评价1" in html and "评价6" not in html
    assert "感谢您的肯定" in html
    assert "张*" in html and "张三" not in html and resident.phone not in html
    assert 'data-stars="4"' in html
    shown = dict(response.context["offering_satisfaction"])
    assert shown[offering].count == 6  # the hidden rating counts nowhere


def test_a_service_nobody_has_rated_says_so(client, service_page, offering):
    html = client.get(service_page.url).content.decode()

    assert 'id="no-ratings"' in html
    assert 'class="satisfaction-too-few' in html and 'data-count="0"' in html


@pytest.mark.usefixtures("no_page_cache")
def test_the_page_costs_the_same_queries_for_more_providers_and_ratings(
    client,
    service_page,
    offering,
    second_offering,
    resident,
    other_resident,
    staff,
    rate,
    street,
    service,
    django_assert_max_num_queries,
):
    ratings.reply_to_rating(staff, rate(resident, offering, 5).pk, "谢谢")
    client.get(service_page.url)  # the first visit warms Wagtail's caches (site root, redirects)
    with django_assert_max_num_queries(100) as few:
        client.get(service_page.url)
    for n in range(3):
        partner = Partner.objects.create(name=f"第{n}工作站", code=f"station-{n}", street=street)
        more = add_offering(service, partner, Decimal("0.00"))
        rate(other_resident, more, 1 + n, ["clear"], "不错", ago=timedelta(minutes=10 + n))
    for n in range(6):
        rate(resident, second_offering, 3, ["on_time"], "好", ago=timedelta(hours=2 + n))
        ratings.reply_to_rating(staff, rate(resident, offering, 4, ago=timedelta(hours=9 + n)).pk, "谢谢")

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(service_page.url)
    assert len(response.context["offering_satisfaction"]) == 5
    assert len(response.context["recent_ratings"]) == 5
