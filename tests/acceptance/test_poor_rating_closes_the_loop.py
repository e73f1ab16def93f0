"""好差评 as a closed loop: a checked-in visit rated poorly, the provider answers, the resident confirms,
and the night's compute_index publishes it on the street index."""

import io
from datetime import timedelta

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ratings.models import Rating
from ratings.services import follow_ups
from streetindex.models import IndexRun
from streetindex.periods import local_today, month_of
from streetindex.publishing import publish_by_system
from tests.conftest import PASSWORD


def test_a_poor_rating_is_answered_confirmed_and_counted_on_the_index(
    client, resident, staff, provider, street, today_booking, mailoutbox, django_capture_on_commit_callbacks, daytime
):
    code = today_booking.code

    # The counter checks the resident in by the code on their phone.
    client.login(email=staff.email, password=PASSWORD)
    client.post(reverse("provider:check-in", kwargs={"partner_id": provider.pk}), {"code": code})
    client.logout()
    # Checked in a little early, the resident may rate the visit once it has begun.
    client.login(email=resident.email, password=PASSWORD)
    assert reverse("ratings:rate", kwargs={"code": code}) not in client.get(reverse("my-bookings")).content.decode()
    client.logout()
    daytime.shift(today_booking.slot.starts_at - timezone.now() + timedelta(minutes=5))

    # "My bookings" now offers to rate the visit; the resident gives 2 stars.
    client.login(email=resident.email, password=PASSWORD)
    rate_url = reverse("ratings:rate", kwargs={"code": code})
    assert rate_url in client.get(reverse("my-bookings")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(rate_url, {"stars": "2", "tags": ["long_wait"], "comment": "排队等了一个小时。"})
    assert response.status_code == 302
    rating = Rating.objects.get(booking=today_booking)
    case = rating.matter
    assert (rating.stars, rating.tags, case.status) == (2, ["long_wait"], "open")
    # The provider's staff are told a case waits for them.
    assert [message.to for message in mailoutbox] == [[staff.email]]
    # Rating again is refused and changes nothing.
    assert client.post(rate_url, {"stars": "5"}).status_code == 409
    client.logout()

    # The provider answers in the console; the resident is told.
    client.login(email=staff.email, password=PASSWORD)
    cases_url = reverse("provider:cases", kwargs={"partner_id": provider.pk})
    assert "排队等了一个小时。" in client.get(cases_url).content.decode()
    answer_url = reverse("provider:case-answer", kwargs={"partner_id": provider.pk, "case_id": case.pk})
    with django_capture_on_commit_callbacks(execute=True):
        answered = client.post(answer_url, {"answer": "已增加一个窗口，下次请按预约时间直接到窗口办理。"})
    assert answered.status_code == 302
    client.logout()
    assert resident.email in [address for message in mailoutbox for address in message.to]

    # The resident reads the answer on the rating page and confirms it is resolved.
    client.login(email=resident.email, password=PASSWORD)
    page = client.get(rate_url).content.decode()
    assert "已增加一个窗口" in page
    confirm_url = reverse("ratings:confirm-case", kwargs={"case_id": case.pk})
    assert client.post(confirm_url, {"resolved": "yes"}).status_code == 302
    case = follow_ups().get(pk=case.pk)
    assert case.status == "resolved" and case.closed_at is not None

    # Overnight the index is computed; the street's figures carry the rating and the closed case.
    call_command("compute_index", stdout=io.StringIO())
    # The public sees nothing of it until the district publishes the month.
    month = month_of(local_today()).label
    assert client.get("/api/v1/index/streets", {"period": month}).status_code == 404
    for run in IndexRun.objects.filter(published_at__isnull=True):
        publish_by_system(run)
    data = client.get("/api/v1/index/streets").json()
    figure = next(item for item in data["streets"] if item["street"]["slug"] == street.slug)
    assert figure["inputs"]["distribution"] == [0, 1, 0, 0, 0]
    assert (figure["inputs"]["cases_opened"], figure["inputs"]["cases_closed"]) == (1, 1)
    # One visit is far too little data: the month is not ranked, and the page says so.
    assert data["ranked"] is False and figure["rank"] is None
    assert 'id="too-little-data"' in client.get(reverse("streetindex:streets")).content.decode()
