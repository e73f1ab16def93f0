"""Notices of the follow-up case: the provider's staff are asked to answer, the resident hears the answer."""

from django.core import mail
from django.urls import reverse

from marketplace.matters import services as matters
from marketplace.notifications.models import Notice
from ratings import services
from ratings.services import follow_ups
from tests.marketplace.notifications.conftest import SITE


def notices(kind):
    return sorted(Notice.objects.filter(kind=kind).values_list("user__email", "channel", "status"))


def test_a_poor_rating_asks_every_staff_member_of_the_provider_by_email(
    sms, visit, staff, other_staff, make_user, provider, django_capture_on_commit_callbacks
):
    colleague = make_user(email="colleague@tuodong.example", name="孙同事", phone="13700000009")
    provider.users.add(colleague)

    with django_capture_on_commit_callbacks(execute=True):
        rating = services.rate_visit(visit.user, visit.code, 2, tags=["long_wait"], comment="排队太久")

    assert sorted(message.to[0] for message in mail.outbox) == [colleague.email, staff.email]
    message = mail.outbox[0]
    cases_url = SITE + reverse("provider:cases", kwargs={"partner_id": provider.pk})
    assert f"{cases_url}#case-{rating.matter.pk}" in message.body
    for words in ("免费法律咨询", visit.code, "排队太久", "2/5", "张*"):
        assert words in message.body + message.subject, words
    assert visit.user.name not in message.body + message.subject
    assert sms.texts == []
    assert notices(Notice.Kind.CASE_OPENED) == [
        (colleague.email, "email", "sent"),
        (staff.email, "email", "sent"),
    ]


def test_a_rating_of_three_stars_or_more_asks_nobody(sms, visit, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.rate_visit(visit.user, visit.code, 3)

    assert mail.outbox == [] and sms.texts == []


def test_nothing_goes_out_before_the_rating_is_committed(sms, visit, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.rate_visit(visit.user, visit.code, 1)

    assert len(callbacks) == 1
    assert mail.outbox == []


def test_the_answer_is_told_to_the_resident_by_email_and_sms(sms, rated, staff, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    resident = rated.booking.user

    with django_capture_on_commit_callbacks(execute=True):
        services.answer_case(staff, rated.matter.pk, "已为您安排优先叫号")

    (message,) = mail.outbox
    rating_url = SITE + reverse("ratings:rate", kwargs={"code": rated.booking.code})
    assert message.to == [resident.email]
    assert "已为您安排优先叫号" in message.body and rating_url in message.body
    (text,) = sms.to(resident.phone)
    assert rating_url in text
    assert notices(Notice.Kind.CASE_ANSWERED) == [(resident.email, "email", "sent"), (resident.email, "sms", "sent")]
    assert Notice.objects.filter(kind=Notice.Kind.CASE_ANSWERED, booking=rated.booking).count() == 2


def test_an_answer_given_in_the_matters_queue_is_told_the_same_way(
    sms, rated, staff, django_capture_on_commit_callbacks
):
    # The case is a matter: answered through the station's queue, the resident hears of it alike, once.
    mail.outbox.clear()
    resident = rated.booking.user

    with django_capture_on_commit_callbacks(execute=True):
        matters.take_step(staff, rated.matter.reference, "answer", "已安排专人回访")

    (message,) = mail.outbox
    assert "已安排专人回访" in message.body
    assert SITE + reverse("ratings:rate", kwargs={"code": rated.booking.code}) in message.body
    assert notices(Notice.Kind.CASE_ANSWERED) == [(resident.email, "email", "sent"), (resident.email, "sms", "sent")]
    assert not Notice.objects.filter(kind=Notice.Kind.MATTER_UPDATE).exists()


def test_a_failing_mail_server_never_breaks_rating(settings, sms, visit, staff, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there

    with django_capture_on_commit_callbacks(execute=True):
        rating = services.rate_visit(visit.user, visit.code, 1)

    assert follow_ups().filter(rating=rating, status="open").exists()
    assert notices(Notice.Kind.CASE_OPENED) == [(staff.email, "email", "failed")]
