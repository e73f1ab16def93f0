"""The moderation page: moderators list, filter, hide (with a reason) and restore ratings; nobody else may."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ratings import services
from ratings.models import Rating

MODERATE = reverse("ratings:moderate")


def hide_url(rating):
    return reverse("ratings:hide", kwargs={"rating_id": rating.pk})


def restore_url(rating):
    return reverse("ratings:restore", kwargs={"rating_id": rating.pk})


def listed(response):
    return [int(pk) for pk in re.findall(r'data-rating="(\d+)"', response.content.decode())]


@pytest.fixture
def rate_many(make_visit, resident):
    """``count`` ratings of the resident's visits, in the order they were rated, with the given stars in turn
    (every visit on its own past slot)."""
    made = []

    def rate(count, stars=(5, 4, 1)):
        ratings = []
        for n in range(count):
            # Each visit later than the last: a booking is made before its slot, when the earlier visits are over.
            visit = make_visit(resident, ended_ago=timedelta(hours=200 - 2 * len(made)))
            made.append(visit)
            ratings.append(services.rate_visit(resident, visit.code, stars[n % len(stars)]))
        return ratings

    return rate


@pytest.fixture
def moderating(client, moderator):
    client.force_login(moderator)
    return client


def test_anonymous_visitors_are_sent_to_sign_in(client, rated):
    for response in (client.get(MODERATE), client.post(hide_url(rated), {"reason": "x"})):
        assert response.status_code == 302
        assert reverse("customer:login") in response["Location"]
    rated.refresh_from_db()
    assert not rated.is_hidden


def test_residents_and_provider_staff_get_a_403_page(client, rated, resident, staff):
    for user in (resident, staff):
        client.force_login(user)
        response = client.get(MODERATE)
        assert response.status_code == 403
        assert 'id="not-moderator"' in response.content.decode()
        assert client.post(hide_url(rated), {"reason": "不喜欢"}).status_code == 403
    rated.refresh_from_db()
    assert not rated.is_hidden


def test_the_list_shows_each_rating_with_the_residents_name_masked(moderating, rated, resident, staff):
    services.reply_to_rating(staff, rated.pk, "已改进叫号")

    response = moderating.get(MODERATE)

    assert response.status_code == 200
    html = response.content.decode()
    assert listed(response) == [rated.pk]
    for words in ("免费法律咨询", "拓东街道公共法律服务工作站", "等了一个小时", "已改进叫号", 'data-stars="1"', "张*"):
        assert words in html, words
    assert resident.name not in html
    assert str(Rating.Tag.LONG_WAIT.label) in html
    assert f'<label for="reason-{rated.pk}">' in html


def test_ratings_are_newest_first_25_a_page(moderating, rate_many):
    ratings = rate_many(26)
    newest_first = [rating.pk for rating in reversed(ratings)]

    first, second = moderating.get(MODERATE), moderating.get(MODERATE, {"page": "2"})

    assert listed(first) == newest_first[:25]
    assert listed(second) == newest_first[25:]
    assert moderating.get(MODERATE, {"page": "abc"}).status_code == 200


def test_filters_visible_hidden_and_poor(moderating, rate_many, moderator):
    five, four, one = rate_many(3)
    services.hide_rating(moderator, four.pk, "广告")

    assert set(listed(moderating.get(MODERATE, {"show": "hidden"}))) == {four.pk}
    assert set(listed(moderating.get(MODERATE, {"show": "visible"}))) == {five.pk, one.pk}
    assert set(listed(moderating.get(MODERATE, {"poor": "on"}))) == {one.pk}
    assert set(listed(moderating.get(MODERATE, {"show": "nonsense"}))) == {five.pk, four.pk, one.pk}


def test_hiding_keeps_the_reason_and_shows_who_and_when(moderating, rated, moderator):
    response = moderating.post(hide_url(rated), {"reason": "含有辱骂", "show": "visible", "poor": "on", "page": "1"})

    assert response.status_code == 302
    assert response["Location"] == f"{MODERATE}?show=visible&poor=on#rating-{rated.pk}"
    rated.refresh_from_db()
    assert (rated.is_hidden, rated.hidden_by, rated.hidden_reason) == (True, moderator, "含有辱骂")
    html = moderating.get(MODERATE, {"show": "hidden"}).content.decode()
    assert "含有辱骂" in html and moderator.name in html
    assert f'action="{restore_url(rated)}"' in html


def test_hiding_without_a_reason_is_refused_beside_the_field(moderating, rated):
    response = moderating.post(hide_url(rated), {"reason": "   "})

    assert response.status_code == 400
    html = response.content.decode()
    assert f'aria-describedby="reason-{rated.pk}-errors"' in html
    assert f'id="reason-{rated.pk}-errors"' in html
    rated.refresh_from_db()
    assert not rated.is_hidden


def test_an_unknown_rating_is_not_found(moderating):
    assert moderating.post(reverse("ratings:hide", kwargs={"rating_id": 999999}), {"reason": "x"}).status_code == 404
    assert moderating.post(reverse("ratings:restore", kwargs={"rating_id": 999999})).status_code == 404


def test_restoring_shows_the_rating_again_and_keeps_the_record(moderating, rated, moderator):
    services.hide_rating(moderator, rated.pk, "误判")

    assert moderating.post(restore_url(rated)).status_code == 302

    rated.refresh_from_db()
    assert not rated.is_hidden
    assert rated.hidden_reason == "误判"
    assert rated.pk in listed(moderating.get(MODERATE, {"show": "visible"}))


def test_moderation_needs_a_post(moderating, rated):
    assert moderating.get(hide_url(rated)).status_code == 405
    assert moderating.post(MODERATE).status_code == 405


def test_the_query_count_does_not_grow_with_the_ratings(moderating, rate_many, moderator):
    def queries():
        moderating.get(MODERATE)  # the first request also reads the header and footer, kept for the next
        with CaptureQueriesContext(connection) as captured:
            assert moderating.get(MODERATE).status_code == 200
        return len(captured)

    ratings = rate_many(2)
    services.hide_rating(moderator, ratings[0].pk, "广告")
    few = queries()
    more = rate_many(5)
    services.hide_rating(moderator, more[0].pk, "广告")

    assert queries() == few


def test_only_moderators_find_the_moderation_page_in_the_account_menu(client, moderator, resident):
    link = f'href="{MODERATE}"'
    client.force_login(moderator)
    assert link in client.get(reverse("my-bookings")).content.decode()
    client.force_login(resident)
    assert link not in client.get(reverse("my-bookings")).content.decode()
