"""Rating a visit, the follow-up it opens and the provider's public reply are in the booking's history."""

import re
from datetime import timedelta

from django.test import Client
from django.urls import reverse

from marketplace.audit.models import Action
from ratings.models import Rating
from tests.conftest import ended_booking
from tests.marketplace.api.conftest import API, authorised_client
from tests.marketplace.audit.conftest import entries


def staff_client(staff):
    client = Client()
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    return client


def history_section(response):
    html = response.content.decode()
    return html[html.index('<section aria-labelledby="history-title"') :].split("</section>")[0]


def test_a_poor_rating_and_the_providers_reply_show_in_the_bookings_history(
    resident_client, resident, staff, provider, make_slot, offering
):
    visit = ended_booking(resident, make_slot, offering, ended_ago=timedelta(hours=3), status="checked_in")

    rated = resident_client.post(reverse("ratings:rate", kwargs={"code": visit.code}), {"stars": "1"})
    rating = Rating.objects.get(booking=visit)
    replied = staff_client(staff).post(
        f"/provider/{provider.pk}/ratings/{rating.pk}/reply/", {"reply": "抱歉，已加派人手"}
    )

    assert rated.status_code == replied.status_code == 302
    history = authorised_client(resident).get(f"{API}/bookings/{visit.code}/history").json()["results"]
    assert [(entry["action"], entry["door"], entry["by"]) for entry in history] == [
        ("placed", "job", {"kind": "system"}),  # the visit's booking, made by the fixture outside any request
        ("rated", "web", {"kind": "resident"}),
        # A poor rating opens the case by the rule, not by anybody's choice.
        ("case_opened", "web", {"kind": "system"}),
        ("rating_replied", "console", {"kind": "staff", "name": provider.name}),
    ]
    assert history[1]["detail"] == {"rating": rating.pk, "stars": 1}
    page = history_section(resident_client.get(reverse("booking-detail", kwargs={"code": visit.code})))
    assert "Visit rated" in page and "1 star" in page and re.search(r"<td[^>]*>You</td>", page)
    assert "Follow-up opened" in page and re.search(r"<td[^>]*>The system</td>", page)
    assert "Provider replied to the rating" in page and f"The provider ({provider.name})" in page
    assert staff.name not in page


def test_a_second_reply_is_refused_and_leaves_no_second_entry(resident, staff, provider, offering, rated_visit):
    rating = rated_visit(resident, offering, stars=4)
    client = staff_client(staff)

    client.post(f"/provider/{provider.pk}/ratings/{rating.pk}/reply/", {"reply": "谢谢"})
    again = client.post(f"/provider/{provider.pk}/ratings/{rating.pk}/reply/", {"reply": "再次感谢"})

    assert again.status_code == 409
    assert entries(action="rating_replied") == [("rating_replied", "console", "staff")]
    reply = Action.objects.get(action="rating_replied")
    assert (reply.actor, reply.organisation, reply.person, reply.booking_code) == (
        staff,
        provider,
        resident,
        rating.booking.code,
    )


def test_a_good_rating_opens_no_case(resident_client, resident, make_slot, offering):
    visit = ended_booking(resident, make_slot, offering, ended_ago=timedelta(hours=3), status="checked_in")

    resident_client.post(reverse("ratings:rate", kwargs={"code": visit.code}), {"stars": "5", "comment": "很好"})

    assert entries(booking_code=visit.code, action__in=["rated", "case_opened"]) == [("rated", "web", "resident")]
    assert Action.objects.get(action="rated").detail == {"rating": visit.rating.pk, "stars": 5}
