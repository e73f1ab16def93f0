"""The resident's rating page: rate a visit, see the rating and its case, say whether the case is resolved."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.booking.models import Booking
from marketplace.matters import workdays
from ratings.models import Rating
from ratings.services import follow_ups


def rate_url(booking):
    return reverse("ratings:rate", kwargs={"code": booking.code})


def confirm_url(case):
    return reverse("ratings:confirm-case", kwargs={"case_id": case.pk})


def ratings_now():
    return list(Rating.objects.values_list("booking_id", "stars", "tags", "comment"))


@pytest.fixture
def signed_in(client, resident):
    client.force_login(resident)
    return client


# --- who sees what ---------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, visit):
    response = client.get(rate_url(visit))

    assert response.status_code == 302
    assert reverse("customer:login") in response["Location"]


def test_somebody_elses_or_an_unknown_code_is_not_found(client, visit, other_resident):
    client.force_login(other_resident)

    assert client.get(rate_url(visit)).status_code == 404
    assert client.get(reverse("ratings:rate", kwargs={"code": "NOPE42"})).status_code == 404
    assert client.post(rate_url(visit), {"stars": "1"}).status_code == 404
    assert not Rating.objects.exists()


def test_a_rateable_visit_shows_the_form_with_stars_in_a_fieldset(signed_in, visit):
    response = signed_in.get(rate_url(visit))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="rate-visit"' in html
    fieldset = html[html.index('<fieldset class="form-group rating-stars-choice"') :]
    fieldset = fieldset[: fieldset.index("</fieldset>")]
    assert "<legend" in fieldset
    for stars in range(1, 6):
        assert f'type="radio" name="stars" value="{stars}" id="id_stars_{stars}"' in fieldset
        assert f'<label class="form-check-label" for="id_stars_{stars}">' in fieldset
    for tag in Rating.Tag.values:
        assert f'type="checkbox" name="tags" value="{tag}" id="id_tags_{tag}"' in html
    assert '<label for="id_comment">' in html
    assert response.context["rating_deadline"] == visit.slot.ends_at + timedelta(days=14)


@pytest.mark.parametrize("status", [Booking.Status.BOOKED, Booking.Status.NO_SHOW])
def test_a_visit_not_checked_in_says_why_it_cannot_be_rated(signed_in, resident, make_visit, status):
    booking = make_visit(resident, status=status)

    response = signed_in.get(rate_url(booking))

    assert response.status_code == 200
    assert 'data-reason="not_checked_in"' in response.content.decode()
    assert response.context["form"] is None


def test_a_visit_checked_in_before_it_began_says_it_can_be_rated_later(signed_in, resident, staff, make_slot, offering):
    from marketplace.booking import services as bookings

    booking = bookings.book(resident, make_slot(offering, starts_in=timedelta(minutes=40)).pk)
    bookings.check_in(staff, booking.code)

    response = signed_in.get(rate_url(booking))
    posted = signed_in.post(rate_url(booking), {"stars": "5"})

    assert 'data-reason="not_begun"' in response.content.decode()
    assert response.context["form"] is None
    assert posted.status_code == 409
    assert not Rating.objects.exists()


def test_a_visit_past_the_window_says_so(signed_in, resident, make_visit):
    booking = make_visit(resident, ended_ago=timedelta(days=15))

    response = signed_in.get(rate_url(booking))

    assert response.status_code == 200
    assert 'data-reason="window_passed"' in response.content.decode()
    assert signed_in.post(rate_url(booking), {"stars": "5"}).status_code == 409
    assert not Rating.objects.exists()


# --- rating ---------------------------------------------------------------------------


def test_rating_a_visit_saves_it_and_shows_it(signed_in, visit):
    response = signed_in.post(rate_url(visit), {"stars": "4", "tags": ["friendly", "clear"], "comment": "律师很耐心"})

    assert response.status_code == 302
    assert response["Location"] == rate_url(visit)
    assert ratings_now() == [(visit.pk, 4, ["friendly", "clear"], "律师很耐心")]
    assert not follow_ups().exists()

    page = signed_in.get(rate_url(visit))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-stars="4"' in html and "律师很耐心" in html
    assert str(Rating.Tag.FRIENDLY.label) in html
    assert 'id="rate-visit"' not in html
    assert len(list(page.context["messages"])) == 1


def test_a_poor_rating_says_the_provider_must_answer_and_by_when(signed_in, visit, settings):
    response = signed_in.post(rate_url(visit), {"stars": "2"}, follow=True)

    case = follow_ups().get()
    assert case.rating.booking == visit
    html = response.content.decode()
    assert 'data-status="open"' in html
    deadline = workdays.deadline(case.submitted_at, settings.FOLLOW_UP_ANSWER_DAYS)
    assert timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M") in html
    assert str(settings.FOLLOW_UP_ANSWER_DAYS) in str(list(response.context["messages"])[0])


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "stars"),
        ({"stars": "7"}, "stars"),
        ({"stars": "abc"}, "stars"),
        ({"stars": "5", "tags": ["friendly", "bribe"]}, "tags"),
        ({"stars": "5", "comment": "长" * 1001}, "comment"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_nothing_is_saved(signed_in, visit, data, field):
    response = signed_in.post(rate_url(visit), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="{field}-errors"' in html
    assert f"{field}-errors" in html[: html.index(f'id="{field}-errors"')]  # aria-describedby points at it
    assert response.context["form"].errors[field]
    assert not Rating.objects.exists()


def test_a_visit_is_rated_once_on_the_page_too(signed_in, rated):
    response = signed_in.post(rate_url(rated.booking), {"stars": "5", "comment": "改成五星"})

    assert response.status_code == 409
    rated.refresh_from_db()
    assert (rated.stars, rated.comment) == (1, "等了一个小时")
    assert Rating.objects.count() == follow_ups().count() == 1


def test_the_rating_page_shows_the_reply_and_the_case_answer(signed_in, answered, staff):
    from ratings import services

    services.reply_to_rating(staff, answered.rating.pk, "感谢反馈，我们会改进排队")

    html = signed_in.get(rate_url(answered.rating.booking)).content.decode()

    assert "感谢反馈，我们会改进排队" in html
    assert "非常抱歉，已安排专人回访" in html
    assert 'data-status="answered"' in html
    assert 'id="confirm-case"' in html
    assert f'action="{confirm_url(answered)}"' in html


def test_a_hidden_rating_tells_its_author_why(signed_in, rated, moderator):
    from ratings import services

    services.hide_rating(moderator, rated.pk, "包含他人电话号码")

    html = signed_in.get(rate_url(rated.booking)).content.decode()

    assert 'id="rating-hidden"' in html and "包含他人电话号码" in html


# --- confirming the case ---------------------------------------------------------


def test_the_resident_confirms_the_answered_case(signed_in, answered):
    response = signed_in.post(confirm_url(answered), {"resolved": "yes", "note": "已满意"})

    assert response.status_code == 302
    assert response["Location"].startswith(rate_url(answered.rating.booking))
    answered = follow_ups().get(pk=answered.pk)
    assert (answered.status, answered.resident_note) == ("resolved", "已满意")
    html = signed_in.get(rate_url(answered.rating.booking)).content.decode()
    assert 'data-status="resolved"' in html and 'id="confirm-case"' not in html


def test_the_resident_may_say_it_is_not_resolved(signed_in, answered):
    assert signed_in.post(confirm_url(answered), {"resolved": "no"}).status_code == 302

    answered = follow_ups().get(pk=answered.pk)
    assert answered.status == "unresolved"


@pytest.mark.parametrize("data", [{}, {"resolved": "maybe"}, {"resolved": "yes", "note": "长" * 501}])
def test_a_bad_confirmation_is_refused_beside_its_field(signed_in, answered, data):
    response = signed_in.post(confirm_url(answered), data)

    assert response.status_code == 400
    assert 'class="invalid-feedback d-block"' in response.content.decode()
    answered = follow_ups().get(pk=answered.pk)
    assert answered.status == "answered"


def test_a_case_not_yet_answered_cannot_be_confirmed(signed_in, rated):
    response = signed_in.post(confirm_url(rated.matter), {"resolved": "yes"})

    assert response.status_code == 409
    rated.matter.refresh_from_db()
    assert rated.matter.status == "open"


def test_other_peoples_or_unknown_cases_are_not_found(client, answered, other_resident):
    client.force_login(other_resident)

    assert client.post(confirm_url(answered), {"resolved": "yes"}).status_code == 404
    assert (
        client.post(reverse("ratings:confirm-case", kwargs={"case_id": 999999}), {"resolved": "yes"}).status_code == 404
    )
    answered = follow_ups().get(pk=answered.pk)
    assert answered.status == "answered"


def test_confirming_needs_a_signed_in_resident_and_a_post(client, answered, resident):
    response = client.post(confirm_url(answered), {"resolved": "yes"})
    assert response.status_code == 302 and reverse("customer:login") in response["Location"]

    client.force_login(resident)
    assert client.get(confirm_url(answered)).status_code == 405
    answered = follow_ups().get(pk=answered.pk)
    assert answered.status == "answered"
