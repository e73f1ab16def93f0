import json
from datetime import timedelta

import pytest
from oscar.core.loading import get_model

from marketplace.users.models import Dependant
from tests.marketplace.api.conftest import API, assert_error
from tests.marketplace.api.test_bookings import Unchanged, post_booking

Booking = get_model("booking", "Booking")


def post_dependant(client, body):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(f"{API}/dependants", data, content_type="application/json")


def test_a_resident_registers_dependants_and_lists_only_their_own(resident_api, other_api, resident):
    response = post_dependant(resident_api, {"name": "王秀英", "relation": "parent", "phone": "137 0000 1111"})

    assert response.status_code == 201, response.content
    created = response.json()
    assert created == {"id": created["id"], "name": "王秀英", "relation": "parent", "phone": "137****1111"}
    assert Dependant.objects.get(pk=created["id"]).owner == resident
    assert post_dependant(resident_api, {"name": "张小明", "relation": "child"}).status_code == 201
    post_dependant(other_api, {"name": "李奶奶", "relation": "grandparent"})

    listed = resident_api.get(f"{API}/dependants").json()["results"]

    assert [(d["name"], d["relation"], d["phone"]) for d in listed] == [
        ("王秀英", "parent", "137****1111"),
        ("张小明", "child", ""),
    ]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"name": "", "relation": "parent"}, id="no name"),
        pytest.param({"name": "王秀英", "relation": "neighbour"}, id="unknown relation"),
        pytest.param({"name": "王秀英", "relation": "parent", "phone": "12345"}, id="bad phone"),
        pytest.param({"relation": "parent"}, id="name missing"),
        pytest.param({"name": "x" * 101, "relation": "parent"}, id="name too long"),
        pytest.param({"name": 5, "relation": "parent"}, id="name not text"),
        pytest.param("not json", id="not json"),
    ],
)
def test_bad_dependants_are_refused_with_400_and_nothing_is_stored(resident_api, body):
    assert_error(post_dependant(resident_api, body), 400, "invalid")

    assert not Dependant.objects.exists()


def test_dependants_need_a_token(api):
    assert_error(api.get(f"{API}/dependants"), 401, "unauthorized")
    assert_error(post_dependant(api, {"name": "王秀英", "relation": "parent"}), 401, "unauthorized")
    assert not Dependant.objects.exists()


def test_booking_for_a_dependant_through_the_api(resident_api, slot):
    mother = post_dependant(resident_api, {"name": "王秀英", "relation": "parent"}).json()

    mine = post_booking(resident_api, {"slot": slot.pk})
    hers = post_booking(resident_api, {"slot": slot.pk, "dependant": mother["id"]})

    assert mine.status_code == hers.status_code == 201, hers.content
    assert mine.json()["dependant"] is None
    assert hers.json()["dependant"] == {"id": mother["id"], "name": "王秀英", "relation": "parent"}
    detail = resident_api.get(f"{API}/bookings/{hers.json()['code']}").json()
    assert detail["dependant"]["name"] == "王秀英"
    slot.refresh_from_db()
    assert slot.num_booked == 2
    assert_error(post_booking(resident_api, {"slot": slot.pk, "dependant": mother["id"]}), 409, "already_booked")


def test_the_limit_counts_per_person_through_the_api(resident_api, make_slot, offering):
    mother = post_dependant(resident_api, {"name": "王秀英", "relation": "parent"}).json()["id"]
    first, second, third = (make_slot(offering, starts_in=timedelta(days=1, hours=h)) for h in range(3))
    for slot in (first, second):
        assert post_booking(resident_api, {"slot": slot.pk}).status_code == 201
    unchanged = Unchanged(first, second, third)

    assert_error(post_booking(resident_api, {"slot": third.pk}), 409, "limit_reached")
    unchanged.check()
    assert post_booking(resident_api, {"slot": third.pk, "dependant": mother}).status_code == 201


def test_someone_elses_dependant_is_not_found_and_nothing_changes(resident_api, other_api, slot):
    stranger = post_dependant(other_api, {"name": "李奶奶", "relation": "grandparent"}).json()["id"]
    unchanged = Unchanged(slot)

    body = assert_error(post_booking(resident_api, {"slot": slot.pk, "dependant": stranger}), 404, "not_found")

    assert "李奶奶" not in body["detail"]
    unchanged.check()


@pytest.mark.parametrize("dependant", ["1", 1.0, True, 0, -1])
def test_a_dependant_of_another_shape_is_refused(resident_api, slot, dependant):
    unchanged = Unchanged(slot)

    assert_error(post_booking(resident_api, {"slot": slot.pk, "dependant": dependant}), 400, "invalid")

    unchanged.check()
