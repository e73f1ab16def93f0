"""The console's ratings and follow-up cases, as provider staff use them."""

import threading
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from ratings import services as ratings
from ratings.models import Rating
from ratings.services import follow_ups
from tests.conftest import needs_postgres


@pytest.fixture
def rate(rated_visit, offering):
    """rate(user, stars, …, on=offering): a checked-in visit, rated ``ago`` before now."""

    def make(user, stars, tags=(), comment="", ago=timedelta(hours=1), on=None):
        return rated_visit(user, on or offering, stars, tags, comment, ago=ago)

    return make


def page(client, provider, query=""):
    return client.get(f"/provider/{provider.pk}/ratings/{query}")


def shown_ids(response):
    return [rating.pk for rating in response.context["ratings"]]


def test_staff_see_their_ratings_newest_first_with_the_person_masked(client, staff, provider, resident, rate):
    older = rate(resident, 4, ["friendly"], "很耐心", ago=timedelta(days=2))
    newer = rate(resident, 2, ["long_wait"], "等了很久", ago=timedelta(hours=1))
    client.force_login(staff)

    response = page(client, provider)

    assert response.status_code == 200
    assert shown_ids(response) == [newer.pk, older.pk]
    html = response.content.decode()
    assert "张*" in html and "张三" not in html
    assert resident.phone not in html and resident.masked_phone not in html
    assert "很耐心" in html and "等了很久" in html
    assert str(Rating.Tag.LONG_WAIT.label) in html
    assert 'data-stars="2"' in html and 'data-stars="4"' in html
    assert f'id="reply-{newer.pk}"' in html  # each unanswered rating has its reply form
    assert html.count('class="rating-reply-form"') == 2


def test_hidden_ratings_are_shown_to_the_provider_with_the_reason(client, staff, provider, resident, admin_user, rate):
    rating = rate(resident, 1, comment="骂人的话")
    ratings.hide_rating(admin_user, rating.pk, "人身攻击")
    client.force_login(staff)

    html = page(client, provider).content.decode()

    assert "rating--hidden" in html and "人身攻击" in html
    assert gettext("Hidden by the moderator") in html


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ("all", {"replied", "good", "poor_open", "poor_overdue"}),
        ("awaiting_reply", {"good", "poor_open", "poor_overdue"}),
        ("poor", {"poor_open", "poor_overdue"}),
        ("open_cases", {"poor_open", "poor_overdue"}),
        ("overdue_cases", {"poor_overdue"}),
        ("nonsense", {"replied", "good", "poor_open", "poor_overdue"}),
    ],
)
def test_the_filters(client, staff, provider, resident, rate, chosen, expected):
    made = {
        "replied": rate(resident, 5, ago=timedelta(hours=5)),
        "good": rate(resident, 4, ago=timedelta(hours=4)),
        "poor_open": rate(resident, 2, ago=timedelta(hours=3)),
        "poor_overdue": rate(resident, 1, ago=timedelta(days=20)),
    }
    ratings.reply_to_rating(staff, made["replied"].pk, "谢谢")
    client.force_login(staff)

    response = page(client, provider, f"?show={chosen}")

    assert response.status_code == 200
    assert set(shown_ids(response)) == {made[name].pk for name in expected}


def test_ratings_are_paginated(client, staff, provider, resident, rate):
    made = [rate(resident, 5, ago=timedelta(minutes=minutes)) for minutes in range(1, 23)]
    client.force_login(staff)

    first, second = page(client, provider), page(client, provider, "?page=2")
    nonsense = page(client, provider, "?page=zzz")

    assert shown_ids(first) == [rating.pk for rating in made[:20]]
    assert shown_ids(second) == [rating.pk for rating in made[20:]]
    assert nonsense.status_code == 200 and shown_ids(nonsense) == shown_ids(first)


def test_satisfaction_hides_the_average_below_the_minimum_sample(client, staff, provider, resident, rate, settings):
    settings.SATISFACTION_MIN_SAMPLE = 3
    rate(resident, 5)
    rate(resident, 4)
    client.force_login(staff)

    response = page(client, provider)

    summary = response.context["satisfaction"]
    assert summary["all_time"].count == 2 and not summary["all_time"].shown
    assert "satisfaction-too-few" in response.content.decode()


def test_satisfaction_all_time_last_30_days_and_per_offering(
    client, staff, provider, resident, other_resident, rate, offering, admin_user, settings
):
    from decimal import Decimal

    from catalog.services import add_offering, create_service

    settings.SATISFACTION_MIN_SAMPLE = 2
    second = add_offering(create_service("人民调解", offering.product.categories.first()), provider, Decimal("0"))
    rate(resident, 5, ago=timedelta(days=40))
    rate(resident, 3, ago=timedelta(days=1))
    rate(other_resident, 4, on=second, ago=timedelta(days=2))
    hidden = rate(other_resident, 1, on=second, ago=timedelta(days=3))
    ratings.hide_rating(admin_user, hidden.pk, "恶意差评")
    client.force_login(staff)

    response = page(client, provider)

    summary = response.context["satisfaction"]
    assert summary["all_time"].distribution == (0, 0, 1, 1, 1)  # the hidden 1-star counts nowhere
    assert summary["all_time"].average == pytest.approx(4.0)
    assert summary["recent"].distribution == (0, 0, 1, 1, 0)
    per_offering = {each.pk: satisfaction.distribution for each, satisfaction in summary["offerings"]}
    assert per_offering == {offering.pk: (0, 0, 1, 0, 1), second.pk: (0, 0, 0, 1, 0)}
    html = response.content.decode()
    assert f'id="satisfaction-offering-{second.pk}"' in html
    assert "4.0" in html


def test_the_page_costs_the_same_queries_for_many_ratings(
    client, staff, provider, resident, other_resident, rate, django_assert_max_num_queries
):
    rate(resident, 2, ["long_wait"], "慢")
    client.force_login(staff)
    with django_assert_max_num_queries(40) as few:
        page(client, provider)
    for minutes in range(2, 12):
        rate(
            other_resident if minutes % 2 else resident, 1 + minutes % 5, ["friendly"], "好", timedelta(minutes=minutes)
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = page(client, provider)
    assert len(shown_ids(response)) == 11


# Replies


def reply_url(provider, rating):
    return f"/provider/{provider.pk}/ratings/{rating.pk}/reply/"


def test_a_provider_replies_once_and_the_form_gives_way_to_the_reply(client, staff, provider, resident, rate):
    rating = rate(resident, 3, comment="还行")
    client.force_login(staff)

    response = client.post(reply_url(provider, rating), {"reply": "感谢您的反馈，我们会改进。", "show": "all"})

    assert response.status_code == 302
    assert response["Location"].endswith(f"#rating-{rating.pk}")
    rating.refresh_from_db()
    assert rating.reply == "感谢您的反馈，我们会改进。" and rating.replied_by == staff
    html = page(client, provider).content.decode()
    assert "感谢您的反馈" in html and f'id="reply-{rating.pk}"' not in html


def test_a_reply_is_shown_as_residents_will_read_it_and_published_only_when_confirmed(
    client, staff, provider, resident, rate
):
    rating = rate(resident, 2, comment="等了很久")
    client.force_login(staff)
    listing = page(client, provider).content.decode()
    assert f'<form method="get" action="{reply_url(provider, rating)}" class="rating-reply-form">' in listing

    question = client.get(reply_url(provider, rating), {"reply": "抱歉让您久等，已增加窗口。", "show": "all"})

    assert question.status_code == 200
    html = question.content.decode()
    assert "抱歉让您久等，已增加窗口。" in html and "等了很久" in html
    assert (
        gettext("A provider replies once: it cannot be changed or withdrawn afterwards.") in html or "不能修改" in html
    )
    rating.refresh_from_db()
    assert rating.replied_at is None and rating.reply == ""

    published = client.post(reply_url(provider, rating), {"reply": "抱歉让您久等，已增加窗口。"}, follow=True)
    rating.refresh_from_db()
    assert rating.reply == "抱歉让您久等，已增加窗口。"
    assert [str(message) for message in published.context["messages"]] == [
        gettext("Your reply is published with the rating.")
    ]


def test_an_empty_reply_is_not_shown_for_publishing(client, staff, provider, resident, rate):
    rating = rate(resident, 3)
    client.force_login(staff)

    response = client.get(reply_url(provider, rating), {"reply": "  "})

    assert response.status_code == 400
    assert f'id="reply-{rating.pk}-error"' in response.content.decode()


def test_a_second_reply_is_refused_and_the_first_stays(client, staff, provider, resident, rate):
    rating = rate(resident, 3)
    ratings.reply_to_rating(staff, rating.pk, "第一次回复")
    client.force_login(staff)

    response = client.post(reply_url(provider, rating), {"reply": "第二次回复"})

    assert response.status_code == 409
    assert gettext("This rating already has your reply; a provider replies once.") in response.content.decode()
    rating.refresh_from_db()
    assert rating.reply == "第一次回复"


def test_an_empty_reply_is_refused_beside_its_form(client, staff, provider, resident, rate):
    rating = rate(resident, 3)
    client.force_login(staff)

    response = client.post(reply_url(provider, rating), {"reply": "   "})

    assert response.status_code == 400
    html = response.content.decode()
    assert f'aria-describedby="reply-{rating.pk}-error"' in html and f'id="reply-{rating.pk}-error"' in html
    rating.refresh_from_db()
    assert rating.replied_at is None and rating.reply == ""


def test_a_too_long_reply_is_refused_and_kept_in_the_form(client, staff, provider, resident, rate):
    rating = rate(resident, 3)
    client.force_login(staff)

    response = client.post(reply_url(provider, rating), {"reply": "长" * 1001})

    assert response.status_code == 400
    assert "长" * 1001 in response.content.decode()
    rating.refresh_from_db()
    assert rating.replied_at is None


def test_replying_to_an_unknown_or_another_providers_rating_is_404(
    client, staff, other_staff, provider, other_provider, resident, rate
):
    rating = rate(resident, 3)
    client.force_login(other_staff)

    crafted = client.post(f"/provider/{other_provider.pk}/ratings/{rating.pk}/reply/", {"reply": "冒充"})
    client.force_login(staff)
    unknown = client.post(f"/provider/{provider.pk}/ratings/999999/reply/", {"reply": "你好"})
    get = client.get(reply_url(provider, rating))

    # A GET without a reply is the rating's address: it leads to the rating in the list.
    assert crafted.status_code == 404 and unknown.status_code == 404 and get.status_code == 302
    rating.refresh_from_db()
    assert rating.replied_at is None


# Follow-up cases


def cases_page(client, provider):
    return client.get(f"/provider/{provider.pk}/cases/")


def answer_url(provider, case):
    return f"/provider/{provider.pk}/cases/{case.pk}/answer/"


@pytest.fixture
def a_thursday_morning():
    """Thursday 12 March 2026, 10:00 in Shanghai, a plain working week: a case opened five days before (on the
    Saturday) is past its three working days, one opened two hours before is not. Read from the real clock,
    "five days ago" is within its deadline whenever the three working days reach today (a Monday after a
    Wednesday's case, or any day after a holiday)."""
    zone = timezone.get_default_timezone()
    with time_machine.travel(datetime(2026, 3, 12, 10, 0, tzinfo=zone), tick=True):
        yield


@pytest.mark.usefixtures("a_thursday_morning")
def test_cases_page_lists_open_then_answered_then_closed(client, staff, provider, resident, other_resident, rate):
    overdue = rate(resident, 1, comment="没人理", ago=timedelta(days=5)).matter
    fresh = rate(other_resident, 2, ago=timedelta(hours=2)).matter
    answered = rate(resident, 2, ago=timedelta(days=1)).matter
    ratings.answer_case(staff, answered.pk, "已联系您")
    closed = rate(other_resident, 1, ago=timedelta(days=2)).matter
    ratings.answer_case(staff, closed.pk, "已处理", now=closed.submitted_at + timedelta(hours=5))
    ratings.confirm_case(other_resident, closed.pk, True, now=closed.submitted_at + timedelta(hours=8))
    client.force_login(staff)

    response = cases_page(client, provider)

    assert response.status_code == 200
    assert [case.pk for case in response.context["open_cases"]] == [overdue.pk, fresh.pk]
    assert [case.pk for case in response.context["answered"]] == [answered.pk]
    assert [case.pk for case in response.context["closed"]] == [closed.pk]
    html = response.content.decode()
    assert (
        html.index(f'id="case-{overdue.pk}"')
        < html.index(f'id="case-{answered.pk}"')
        < html.index(f'id="case-{closed.pk}"')
    )
    # Overdue is said in words, once: only the overdue case carries it.
    assert html.count('class="badge badge-danger case-overdue"') == 1
    assert gettext("Overdue") in html
    deadline = timezone.localtime(ratings.answer_deadline(fresh))
    assert deadline.strftime("%Y-%m-%d %H:%M") in html
    assert f'id="answer-{overdue.pk}"' in html and f'id="answer-{answered.pk}"' not in html
    assert ">8.0<" in html  # hours to close
    assert "张*" in html and "张三" not in html and "李四" not in html


def test_the_console_navigation_counts_open_cases(client, staff, provider, resident, rate):
    rate(resident, 1)
    rate(resident, 2)
    rate(resident, 5)
    client.force_login(staff)

    html = client.get(f"/provider/{provider.pk}/day/").content.decode()

    assert 'id="open-case-count">2' in html


def test_answering_a_case_sends_it_to_the_resident(client, staff, provider, resident, rate):
    case = rate(resident, 1).matter
    client.force_login(staff)

    response = client.post(answer_url(provider, case), {"answer": "已电话联系，下周安排专人处理。"})

    assert response.status_code == 302 and response["Location"].endswith(f"#case-{case.pk}")
    case = follow_ups().get(pk=case.pk)
    assert case.status == "answered" and case.answered_by_id == staff.pk
    assert [each.pk for each in cases_page(client, provider).context["answered"]] == [case.pk]


def test_a_case_stands_in_the_matters_queue_and_is_answered_there_too(client, staff, provider, resident, rate):
    case = rate(resident, 1, comment="没人理").matter
    client.force_login(staff)
    at = {"partner_id": provider.pk, "reference": case.reference}

    queue = client.get(reverse("provider:matters", kwargs={"partner_id": provider.pk}))
    page = client.get(reverse("provider:matter", kwargs=at))
    answered = client.post(reverse("provider:matter-step", kwargs=at), {"action": "answer", "text": "已电话联系"})

    assert queue.status_code == 200 and case.reference in queue.content.decode()
    assert page.status_code == 200 and "没人理" in page.content.decode()
    assert answered.status_code == 302
    assert [each.pk for each in cases_page(client, provider).context["answered"]] == [case.pk]
    assert follow_ups().get(pk=case.pk).answer == "已电话联系"


@pytest.mark.parametrize(
    ("text", "status"),
    [("", 400), ("   ", 400), ("长" * 2001, 400)],
)
def test_bad_answers_are_refused_beside_the_form(client, staff, provider, resident, rate, text, status):
    case = rate(resident, 1).matter
    client.force_login(staff)

    response = client.post(answer_url(provider, case), {"answer": text})

    assert response.status_code == status
    assert f'id="answer-{case.pk}-error"' in response.content.decode()
    case = follow_ups().get(pk=case.pk)
    assert case.status == "open" and case.answer == ""


def test_answering_an_answered_or_closed_case_changes_nothing(client, staff, provider, resident, rate):
    case = rate(resident, 1).matter
    ratings.answer_case(staff, case.pk, "第一次答复")
    client.force_login(staff)

    again = client.post(answer_url(provider, case), {"answer": "第二次"})
    ratings.confirm_case(resident, case.pk, False)
    closed = client.post(answer_url(provider, case), {"answer": "第三次"})

    assert again.status_code == 409 and closed.status_code == 409
    assert 'id="answer-error-summary"' in closed.content.decode()
    case = follow_ups().get(pk=case.pk)
    assert case.answer == "第一次答复" and case.status == "unresolved"


def test_answering_unknown_or_another_providers_case_is_404(
    client, staff, other_staff, provider, other_provider, resident, rate
):
    case = rate(resident, 1).matter
    client.force_login(other_staff)
    crafted = client.post(f"/provider/{other_provider.pk}/cases/{case.pk}/answer/", {"answer": "冒充"})
    client.force_login(staff)
    unknown = client.post(f"/provider/{provider.pk}/cases/999999/answer/", {"answer": "你好"})

    assert crafted.status_code == 404 and unknown.status_code == 404
    case = follow_ups().get(pk=case.pk)
    assert case.status == "open"


def test_the_cases_page_costs_the_same_queries_for_many_cases(
    client, staff, provider, resident, other_resident, rate, django_assert_max_num_queries
):
    rate(resident, 1)
    client.force_login(staff)
    with django_assert_max_num_queries(40) as few:
        cases_page(client, provider)
    for hours in range(2, 10):
        case = rate(other_resident if hours % 2 else resident, 1 + hours % 2, ago=timedelta(hours=hours)).matter
        if hours % 3 == 0:
            ratings.answer_case(staff, case.pk, "答复")

    with django_assert_max_num_queries(len(few.captured_queries)):
        cases_page(client, provider)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_staff_answering_one_case_at_once_leave_exactly_one_answer(staff, provider, resident, make_user, rate):
    from django.test import Client

    case = rate(resident, 1).matter
    colleagues = [staff] + [make_user(email=f"s{i}@tuodong.example", phone=f"1370000010{i}") for i in range(5)]
    provider.users.add(*colleagues[1:])
    barrier = threading.Barrier(len(colleagues))
    statuses, errors = [], []

    def answer(colleague, n):
        client = Client()
        client.force_login(colleague)
        try:
            barrier.wait(timeout=30)
            statuses.append(client.post(answer_url(provider, case), {"answer": f"答复{n}"}).status_code)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(colleague, n)) for n, colleague in enumerate(colleagues)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(statuses) == [302] + [409] * (len(colleagues) - 1)
    case = follow_ups().get(pk=case.pk)
    assert case.status == "answered"
    assert case.answer == f"答复{[colleague.pk for colleague in colleagues].index(case.answered_by_id)}"
