"""The rules of rating a visit and of the follow-up case, as ``ratings.services`` keeps them."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from marketplace.answers import status_for
from marketplace.audit.models import Action
from marketplace.booking.models import Booking
from marketplace.matters import workdays
from marketplace.matters.models import Matter
from ratings import services
from ratings.models import Rating
from ratings.satisfaction import satisfaction_of
from ratings.services import follow_ups


def rate(visit, stars=4, **extra):
    return services.rate_visit(visit.user, visit.code, stars, **extra)


# --- who may rate, until when, how often --------------------------------------


@pytest.mark.parametrize("status", [Booking.Status.BOOKED, Booking.Status.CONFIRMED, Booking.Status.NO_SHOW])
def test_only_a_visit_the_resident_was_checked_in_for_can_be_rated(resident, make_visit, status):
    booking = make_visit(resident, status=status)

    assert not services.can_rate(booking)
    with pytest.raises(services.NotRateable):
        rate(booking)
    assert not Rating.objects.exists()


def test_a_visit_checked_in_early_can_be_rated_only_once_it_has_begun(resident, staff, make_slot, offering):
    from marketplace.booking import services as bookings

    booking = bookings.book(resident, make_slot(offering, starts_in=timedelta(days=2)).pk)
    starts_at = booking.slot.starts_at
    bookings.check_in(staff, booking.code, now=starts_at - timedelta(minutes=30))
    booking.refresh_from_db()

    assert not services.can_rate(booking, now=starts_at - timedelta(minutes=10))
    with pytest.raises(services.NotRateable) as refused:
        services.rate_visit(resident, booking.code, 5, now=starts_at - timedelta(minutes=10))
    assert status_for(refused.value) == 409
    assert not Rating.objects.exists()

    assert services.can_rate(booking, now=starts_at + timedelta(minutes=5))
    assert services.rate_visit(resident, booking.code, 5, now=starts_at + timedelta(minutes=5)).stars == 5


def test_only_the_resident_who_booked_can_rate_and_others_learn_nothing(visit, other_resident):
    with pytest.raises(services.NotFound) as refused:
        services.rate_visit(other_resident, visit.code, 5)

    assert status_for(refused.value) == 404
    assert not Rating.objects.exists()


def test_an_unknown_code_is_not_found(resident):
    with pytest.raises(services.NotFound):
        services.rate_visit(resident, "NOPE42", 5)


def test_the_code_is_matched_whatever_its_case_and_spaces(visit):
    rating = services.rate_visit(visit.user, f"  {visit.code.lower()} ", 5)

    assert rating.booking == visit


def test_a_visit_can_be_rated_until_the_last_second_of_the_window(settings, visit):
    deadline = visit.slot.ends_at + timedelta(days=settings.RATING_WINDOW_DAYS)
    assert services.rating_deadline(visit) == deadline

    assert services.can_rate(visit, now=deadline)
    assert not services.can_rate(visit, now=deadline + timedelta(seconds=1))
    with pytest.raises(services.NotRateable):
        services.rate_visit(visit.user, visit.code, 4, now=deadline + timedelta(seconds=1))
    assert not Rating.objects.exists()

    rating = services.rate_visit(visit.user, visit.code, 4, now=deadline)
    assert rating.created_at == deadline


def test_a_visit_is_rated_once(visit):
    first = rate(visit, 5, comment="很好")

    assert not services.can_rate(visit)
    with pytest.raises(services.AlreadyRated) as refused:
        rate(visit, 1, comment="改主意了")

    assert status_for(refused.value) == 409
    assert list(Rating.objects.values_list("pk", "stars", "comment")) == [(first.pk, 5, "很好")]
    assert not follow_ups().exists()


@pytest.mark.parametrize(("stars", "opens_case"), [(1, True), (2, True), (3, False), (4, False), (5, False)])
def test_two_stars_or_fewer_open_a_follow_up_case(visit, stars, opens_case):
    rating = rate(visit, stars)

    assert follow_ups().filter(rating=rating, status="open").exists() == opens_case


def test_stars_tags_and_comment_are_kept_as_given(visit):
    rating = rate(visit, "4", tags=["friendly", "on_time", "friendly"], comment="  律师讲得很清楚  ")

    rating.refresh_from_db()
    assert (rating.stars, rating.tags, rating.comment) == (4, ["friendly", "on_time"], "律师讲得很清楚")


@pytest.mark.parametrize(
    "bad",
    [
        {"stars": 0},
        {"stars": 6},
        {"stars": "four"},
        {"stars": None},
        {"stars": 4, "tags": ["friendly", "rude"]},
        {"stars": 4, "comment": "长" * 1001},
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(visit, bad):
    with pytest.raises(services.InvalidInput) as refused:
        services.rate_visit(visit.user, visit.code, **bad)

    assert status_for(refused.value) == 400
    assert not Rating.objects.exists()
    assert services.can_rate(visit)


def test_a_comment_of_exactly_the_limit_is_accepted(visit):
    assert len(rate(visit, comment="长" * 1000).comment) == 1000


# --- the provider's reply and answer ------------------------------------------


def test_the_provider_replies_once_and_the_first_reply_stays(visit, staff):
    rating = rate(visit, 4)

    services.reply_to_rating(staff, rating.pk, "谢谢您的肯定")
    with pytest.raises(services.AlreadyReplied):
        services.reply_to_rating(staff, rating.pk, "第二次回复")

    rating.refresh_from_db()
    assert (rating.reply, rating.replied_by) == ("谢谢您的肯定", staff)


def test_only_what_was_done_is_in_the_record_refusals_leave_nothing(visit, staff, other_staff):
    rating = rate(visit, 1)
    with pytest.raises(services.AlreadyRated):
        rate(visit, 5)
    services.reply_to_rating(staff, rating.pk, "抱歉，我们会改进")

    with pytest.raises(services.AlreadyReplied):
        services.reply_to_rating(staff, rating.pk, "第二次回复")
    with pytest.raises(services.NotFound):
        services.reply_to_rating(other_staff, rating.pk, "别家的回复")

    assert list(Action.objects.filter(booking_code=visit.code).values_list("action", flat=True)) == [
        "placed",
        "rated",
        "case_opened",
        "rating_replied",
    ]


def test_an_empty_reply_is_refused(visit, staff):
    rating = rate(visit, 4)

    with pytest.raises(services.InvalidInput):
        services.reply_to_rating(staff, rating.pk, "   ")

    rating.refresh_from_db()
    assert rating.replied_at is None


def test_staff_of_another_provider_cannot_reply_or_answer(visit, other_staff):
    rating = rate(visit, 1)

    with pytest.raises(services.NotFound):
        services.reply_to_rating(other_staff, rating.pk, "不是我们的")
    with pytest.raises(services.NotFound):
        services.answer_case(other_staff, rating.matter.pk, "不是我们的")

    rating.refresh_from_db()
    rating.matter.refresh_from_db()
    assert rating.replied_at is None
    assert rating.matter.status == "open"


def test_a_case_is_answered_once(visit, staff):
    case = rate(visit, 2).matter

    services.answer_case(staff, case.pk, "已联系您，重新安排了律师")
    with pytest.raises(services.CaseNotAnswerable):
        services.answer_case(staff, case.pk, "再答一次")

    case = follow_ups().get(pk=case.pk)
    assert (case.status, case.answer, case.answered_by_id) == (
        "answered",
        "已联系您，重新安排了律师",
        staff.pk,
    )


def test_an_answer_is_overdue_after_the_answer_days(settings, visit):
    case = rate(visit, 1).matter
    deadline = workdays.deadline(case.submitted_at, settings.FOLLOW_UP_ANSWER_DAYS)

    # The matter waits for the provider until then: the one deadline of the queue and of the rating page.
    assert services.answer_deadline(case) == deadline == case.due_at
    assert deadline - case.submitted_at >= timedelta(days=settings.FOLLOW_UP_ANSWER_DAYS)
    assert not services.is_overdue(case, now=deadline - timedelta(seconds=1))
    assert services.is_overdue(case, now=deadline)
    assert list(services.overdue_cases(now=deadline)) == [case]
    assert not services.overdue_cases(now=deadline - timedelta(seconds=1)).exists()


def test_the_answer_days_are_working_days(db, settings):
    settings.FOLLOW_UP_ANSWER_DAYS = 3
    zone = workdays.local_zone()
    # Opened on a Friday at noon (an ordinary March week): Monday, Tuesday and Wednesday count.
    case = Matter(submitted_at=datetime(2027, 3, 5, 12, tzinfo=zone))

    assert services.answer_deadline(case) == datetime(2027, 3, 11, tzinfo=zone)


# --- the resident closes the loop ----------------------------------------------


def test_the_resident_confirms_only_an_answered_case(visit, staff):
    case = rate(visit, 1).matter

    with pytest.raises(services.CaseNotConfirmable):
        services.confirm_case(visit.user, case.pk, resolved=True)
    case = follow_ups().get(pk=case.pk)
    assert case.status == "open"

    services.answer_case(staff, case.pk, "已处理")
    services.confirm_case(visit.user, case.pk, resolved=False, note="还是没解决")
    case = follow_ups().get(pk=case.pk)
    assert (case.status, case.resident_note) == ("unresolved", "还是没解决")
    assert case.closed_at is not None

    with pytest.raises(services.CaseNotConfirmable):
        services.confirm_case(visit.user, case.pk, resolved=True)
    case = follow_ups().get(pk=case.pk)
    assert case.status == "unresolved"


def test_another_resident_cannot_confirm_the_case(visit, staff, other_resident):
    case = rate(visit, 1).matter
    services.answer_case(staff, case.pk, "已处理")

    with pytest.raises(services.NotFound):
        services.confirm_case(other_resident, case.pk, resolved=True)

    case = follow_ups().get(pk=case.pk)
    assert case.status == "answered"


def test_an_unconfirmed_answer_lapses_and_closes_at_its_deadline(settings, visit, staff):
    case = rate(visit, 1).matter
    answered_at = timezone.now()
    services.answer_case(staff, case.pk, "已处理", now=answered_at)
    deadline = workdays.deadline(answered_at, settings.FOLLOW_UP_CONFIRM_DAYS)

    assert services.close_lapsed_cases(now=deadline - timedelta(seconds=1)) == 0
    case = follow_ups().get(pk=case.pk)
    assert case.status == "answered"

    # The nightly job runs hours later; the case still closes at its deadline.
    assert services.close_lapsed_cases(now=deadline + timedelta(hours=5)) == 1
    case = follow_ups().get(pk=case.pk)
    assert (case.status, case.closed_at) == ("lapsed", deadline)
    assert services.hours_to_close(case) == pytest.approx((deadline - case.submitted_at).total_seconds() / 3600)
    assert services.close_lapsed_cases(now=deadline + timedelta(days=1)) == 0


def test_an_open_case_never_lapses(settings, visit):
    case = rate(visit, 1).matter

    assert services.close_lapsed_cases(now=timezone.now() + timedelta(days=365)) == 0
    case = follow_ups().get(pk=case.pk)
    assert case.status == "open"


# --- moderation -----------------------------------------------------------------


def test_only_a_moderator_hides_and_restores(visit, staff, admin_user):
    rating = rate(visit, 1)

    for not_moderator in (visit.user, staff):
        with pytest.raises(services.NotModerator):
            services.hide_rating(not_moderator, rating.pk, "辱骂")
    assert not services.is_moderator(staff)
    assert services.is_moderator(admin_user)

    services.hide_rating(admin_user, rating.pk, "辱骂")
    with pytest.raises(services.NotModerator):
        services.restore_rating(visit.user, rating.pk)
    rating.refresh_from_db()
    assert rating.is_hidden


def test_hiding_needs_a_reason(visit, moderator):
    rating = rate(visit, 1)

    with pytest.raises(services.InvalidInput):
        services.hide_rating(moderator, rating.pk, "  ")

    rating.refresh_from_db()
    assert not rating.is_hidden


def test_an_unknown_rating_cannot_be_hidden(moderator):
    for rating_id in (999999, "abc"):
        with pytest.raises(services.NotFound):
            services.hide_rating(moderator, rating_id, "辱骂")


def test_restoring_keeps_who_hid_it_and_why(visit, moderator):
    rating = rate(visit, 1)
    services.hide_rating(moderator, rating.pk, "含有人身攻击")

    services.restore_rating(moderator, rating.pk)

    rating.refresh_from_db()
    assert not rating.is_hidden
    assert (rating.hidden_by, rating.hidden_reason) == (moderator, "含有人身攻击")
    assert services.visible_ratings().filter(pk=rating.pk).exists()


def test_hidden_ratings_count_in_no_satisfaction(settings, make_user, make_visit, moderator):
    settings.SATISFACTION_MIN_SAMPLE = 1
    ratings = [
        services.rate_visit(visit.user, visit.code, stars)
        for visit, stars in (
            (make_visit(make_user(email=f"r{n}@example.com", phone=f"1390000000{n}"), timedelta(hours=3 + n)), stars)
            for n, stars in enumerate((5, 4, 1))
        )
    ]
    services.hide_rating(moderator, ratings[2].pk, "与服务无关")

    satisfaction = satisfaction_of(services.visible_ratings())

    assert satisfaction.distribution == (0, 0, 0, 1, 1)
    assert (satisfaction.count, satisfaction.average) == (2, 4.5)


def test_the_average_is_hidden_below_the_minimum_sample(settings, make_user, make_visit):
    settings.SATISFACTION_MIN_SAMPLE = 3
    visits = [
        make_visit(make_user(email=f"r{n}@example.com", phone=f"1390000000{n}"), timedelta(hours=3 + n))
        for n in range(3)
    ]
    services.rate_visit(visits[0].user, visits[0].code, 5)
    services.rate_visit(visits[1].user, visits[1].code, 2)

    below = satisfaction_of(services.visible_ratings())
    assert (below.count, below.average, below.shown) == (2, None, False)
    assert below.distribution == (0, 1, 0, 0, 1)

    services.rate_visit(visits[2].user, visits[2].code, 5)
    enough = satisfaction_of(services.visible_ratings())
    assert (enough.count, enough.average, enough.shown) == (3, 4, True)


def test_deleting_the_account_removes_the_residents_words_from_their_case(visit, staff):
    from marketplace.users import services as users
    from tests.conftest import PASSWORD

    case = rate(visit, 1, comment="排队等了一个小时").matter
    services.answer_case(staff, case.pk, "已增加窗口")
    services.confirm_case(visit.user, case.pk, resolved=False, note="还是很慢")

    users.delete_account(visit.user, PASSWORD)

    case = follow_ups().get(pk=case.pk)
    # The case still counts (status, times, the provider's answer); the resident's words are gone.
    assert (case.status, case.text, case.resident_note, case.answer) == ("unresolved", "", "", "已增加窗口")
    assert case.closed_at is not None
