import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings

from catalog.services import add_offering
from marketplace.audit.models import Action
from ratings import services
from ratings.models import Rating
from tests.conftest import ended_booking
from tests.marketplace.api.conftest import API, assert_error


@pytest.fixture
def visit(resident, make_slot, offering):
    return ended_booking(resident, make_slot, offering, ended_ago=timedelta(hours=3), status="checked_in")


def post_rating(client, code, body):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(f"{API}/bookings/{code}/rating", data, content_type="application/json")


# Rating a visit


def test_the_resident_rates_a_checked_in_visit(resident_api, visit):
    response = post_rating(resident_api, visit.code, {"stars": 4, "tags": ["friendly"], "comment": "很耐心"})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stars"] == 4 and body["tags"] == ["friendly"] and body["comment"] == "很耐心"
    assert body["created_at"].endswith("+08:00")
    rating = Rating.objects.get(booking=visit)
    assert (rating.stars, rating.tags, rating.comment) == (4, ["friendly"], "很耐心")
    entry = Action.objects.get(action=Action.Code.RATED)
    assert entry.door == "api"


def test_tags_and_comment_may_be_left_out_and_a_poor_rating_opens_a_case(resident_api, visit):
    response = post_rating(resident_api, visit.code.lower(), {"stars": 1})

    assert response.status_code == 201, response.content
    assert response.json()["tags"] == [] and response.json()["comment"] == ""
    assert services.case_of(Rating.objects.get(booking=visit)) is not None


def test_a_visit_is_rated_once(resident_api, visit):
    assert post_rating(resident_api, visit.code, {"stars": 5}).status_code == 201

    assert_error(post_rating(resident_api, visit.code, {"stars": 1}), 409, "not_ratable")
    assert Rating.objects.get(booking=visit).stars == 5


@pytest.mark.parametrize("status", ["booked", "no_show", "cancelled"])
def test_only_a_visit_the_resident_was_checked_in_for_can_be_rated(resident, resident_api, make_slot, offering, status):
    booking = ended_booking(resident, make_slot, offering, status=status)

    assert_error(post_rating(resident_api, booking.code, {"stars": 5}), 409, "not_ratable")
    assert not Rating.objects.exists()


def test_a_visit_cannot_be_rated_after_the_window(resident, resident_api, make_slot, offering):
    booking = ended_booking(
        resident,
        make_slot,
        offering,
        ended_ago=timedelta(days=settings.RATING_WINDOW_DAYS, hours=1),
        status="checked_in",
    )

    assert_error(post_rating(resident_api, booking.code, {"stars": 5}), 409, "not_ratable")
    assert not Rating.objects.exists()


def test_another_residents_visit_is_not_found_alike_an_unknown_code(other_api, visit):
    assert_error(post_rating(other_api, visit.code, {"stars": 5}), 404, "not_found")
    assert_error(post_rating(other_api, "NOSUCHCODE", {"stars": 5}), 404, "not_found")
    assert not Rating.objects.exists()


def test_signing_in_is_required(api, visit):
    assert_error(post_rating(api, visit.code, {"stars": 5}), 401, "unauthorized")
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"stars": 0},
        {"stars": 6},
        {"stars": "5"},
        {"stars": 4.5},
        {"stars": 4, "tags": ["very_good"]},
        {"stars": 4, "tags": "friendly"},
        {"stars": 4, "comment": "长" * 1001},
        {"stars": 4, "comment": "a\x00b"},
        "[1, 2]",
        "not json",
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(resident_api, visit, body):
    assert_error(post_rating(resident_api, visit.code, body), 400, "invalid")
    assert not Rating.objects.exists()


# A service's satisfaction


def satisfaction(client, service):
    response = client.get(f"{API}/services/{service.pk}/satisfaction")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def other_offering(service, other_provider):
    return add_offering(service, other_provider, Decimal("0.00"))


def test_a_service_nobody_rated_has_no_average(api, service, offering, provider):
    assert satisfaction(api, service) == {
        "average": None,
        "count": 0,
        "distribution": [0, 0, 0, 0, 0],
        "providers": [{"id": provider.pk, "name": provider.name, "average": None, "count": 0}],
    }


def test_the_average_is_published_from_the_minimum_sample_overall_and_per_provider(
    settings, api, service, offering, other_offering, provider, other_provider, make_user, rated_visit
):
    settings.SATISFACTION_MIN_SAMPLE = 3
    people = [make_user(email=f"r{n}@example.com", phone=f"1380000000{n}") for n in range(4)]
    for person, stars in zip(people[:3], (5, 4, 4), strict=True):
        rated_visit(person, offering, stars)

    body = satisfaction(api, service)
    assert body["count"] == 3 and body["distribution"] == [0, 0, 0, 2, 1]
    assert body["average"] == 4.33
    by_name = {row["name"]: row for row in body["providers"]}
    assert by_name[provider.name] == {"id": provider.pk, "name": provider.name, "average": 4.33, "count": 3}
    assert by_name[other_provider.name] == {
        "id": other_provider.pk,
        "name": other_provider.name,
        "average": None,
        "count": 0,
    }

    rated_visit(people[3], other_offering, 1)
    body = satisfaction(api, service)
    assert body["count"] == 4 and body["average"] == 3.5
    assert {row["name"]: row["count"] for row in body["providers"]} == {provider.name: 3, other_provider.name: 1}
    assert {row["name"]: row["average"] for row in body["providers"]}[other_provider.name] is None


def test_hidden_ratings_count_nowhere(settings, api, service, offering, make_user, rated_visit, admin_user):
    settings.SATISFACTION_MIN_SAMPLE = 1
    kept = rated_visit(make_user(email="a@example.com", phone="13800000001"), offering, 5)
    hidden = rated_visit(make_user(email="b@example.com", phone="13800000002"), offering, 1)
    services.hide_rating(admin_user, hidden.pk, "辱骂")

    body = satisfaction(api, service)
    assert (body["count"], body["average"], body["distribution"]) == (1, 5.0, [0, 0, 0, 0, 1])
    assert body["providers"][0]["count"] == 1
    assert kept.stars == 5


def test_an_unknown_or_hidden_service_is_not_found(api, service, offering):
    assert_error(api.get(f"{API}/services/999999/satisfaction"), 404, "not_found")
    assert_error(api.get(f"{API}/services/0/satisfaction"), 400, "invalid")
    type(service).objects.filter(pk=service.pk).update(is_public=False)
    assert_error(api.get(f"{API}/services/{service.pk}/satisfaction"), 404, "not_found")


def test_the_openapi_document_describes_both_operations(api):
    paths = api.get(f"{API}/openapi.json").json()["paths"]

    rate = paths["/api/v1/bookings/{code}/rating"]["post"]
    assert set(rate["responses"]) == {"201", "400", "401", "404", "409"}
    read = paths["/api/v1/services/{service_id}/satisfaction"]["get"]
    assert set(read["responses"]) == {"200", "400", "404"}
