"""The video-room provider: the sandbox this site serves, and a real one over HTTP (mocked with ``responses``)."""

import json
from datetime import timedelta

import pytest
import requests
import responses
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from marketplace.audit.models import Action
from marketplace.booking import reschedule as moves
from marketplace.booking import services
from marketplace.booking.models import Booking
from marketplace.video import client as video
from marketplace.video.models import SandboxRoom
from tests.marketplace.tasks_helpers import DATABASE_QUEUE

pytestmark = pytest.mark.django_db

PROVIDER = "https://rooms.example.test/v1"
HTTP_PROVIDER = {
    "VIDEO_ROOM_PROVIDER": "http",
    "VIDEO_ROOM_URL": PROVIDER,
    "VIDEO_ROOM_TOKEN": "room-token",
    "VIDEO_ROOM_TIMEOUT": 3,
}


@pytest.fixture
def online_offering(offering):
    type(offering.product).objects.filter(pk=offering.product_id).update(mode="online")
    offering.product.refresh_from_db()
    return offering


def book_online(resident, make_slot, offering, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.book(resident, make_slot(offering, starts_in=timedelta(days=1)).pk)
    booking.refresh_from_db()
    return booking


def test_an_online_booking_gets_its_sandbox_room_once_it_commits(
    resident, online_offering, make_slot, django_capture_on_commit_callbacks
):
    booking = book_online(resident, make_slot, online_offering, django_capture_on_commit_callbacks)

    room = SandboxRoom.objects.get(reference=booking.code)
    assert booking.mode == "online"
    assert booking.room_status == "ready"
    assert booking.room_id == room.public_id
    assert booking.room_url == reverse("video:sandbox-room", kwargs={"public_id": room.public_id})
    assert room.title == online_offering.product.title
    assert Action.objects.filter(booking_code=booking.code, action="room_ready").count() == 1


def test_an_onsite_booking_gets_no_room(resident, offering, make_slot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.book(resident, make_slot(offering).pk)
    booking.refresh_from_db()
    assert (booking.mode, booking.room_status, booking.room_url) == ("onsite", "", "")
    assert not SandboxRoom.objects.exists()


def test_a_moved_online_booking_gets_a_room_for_its_new_time_and_its_join_link_leads_there(
    resident, online_offering, make_slot, django_capture_on_commit_callbacks
):
    booking = book_online(resident, make_slot, online_offering, django_capture_on_commit_callbacks)
    first_room = SandboxRoom.objects.get(public_id=booking.room_id)
    later = make_slot(online_offering, starts_in=timedelta(days=3))

    with django_capture_on_commit_callbacks(execute=True):
        moves.reschedule(resident, booking.code, later.pk)

    booking.refresh_from_db()
    room = SandboxRoom.objects.get(public_id=booking.room_id)
    assert room != first_room
    assert (room.starts_at, room.ends_at) == (later.starts_at, later.ends_at)
    assert booking.room_status == "ready"
    client = Client()
    client.force_login(resident)
    with time_machine.travel(later.starts_at, tick=False):
        response = client.get(reverse("booking-join", kwargs={"code": booking.code}))
    assert response.status_code == 302
    assert response["Location"].startswith(booking.room_url)


def test_the_sandbox_room_page_shows_the_service_and_who_entered(
    resident, online_offering, make_slot, django_capture_on_commit_callbacks
):
    booking = book_online(resident, make_slot, online_offering, django_capture_on_commit_callbacks)
    client = Client()
    client.cookies["django_language"] = "en"

    client.get(video.entry_url(booking.room_url, "staff", "拓东街道法律服务所"))
    page = client.get(video.entry_url(booking.room_url, "resident", "张三")).content.decode()

    assert online_offering.product.title in page
    assert "拓东街道法律服务所 · Provider" in page
    assert "张三 · Resident (you)" in page
    assert 'id="sandbox-camera"' in page
    assert "/static/js/video-room.js" in page
    # Entering twice lists a person once.
    client.get(video.entry_url(booking.room_url, "resident", "张三"))
    assert len(SandboxRoom.objects.get(reference=booking.code).participants) == 2


def test_an_unknown_sandbox_room_is_404_and_none_is_served_with_a_real_provider(
    resident, online_offering, make_slot, django_capture_on_commit_callbacks
):
    booking = book_online(resident, make_slot, online_offering, django_capture_on_commit_callbacks)
    client = Client()
    assert client.get("/video/sandbox/rooms/room_nope/").status_code == 404
    with override_settings(VIDEO_ROOM_PROVIDER="http"):
        assert client.get(booking.room_url).status_code == 404


@responses.activate
@override_settings(**HTTP_PROVIDER)
def test_a_real_provider_is_asked_over_http_with_the_booking_and_an_idempotency_key(
    resident, online_offering, make_slot, django_capture_on_commit_callbacks
):
    responses.post(f"{PROVIDER}/rooms", json={"id": "r-123", "url": "https://rooms.example.test/r/r-123"}, status=201)

    booking = book_online(resident, make_slot, online_offering, django_capture_on_commit_callbacks)

    assert (booking.room_status, booking.room_id, booking.room_url) == (
        "ready",
        "r-123",
        "https://rooms.example.test/r/r-123",
    )
    (call,) = responses.calls
    assert call.request.headers["Authorization"] == "Bearer room-token"
    assert call.request.headers["Idempotency-Key"] == f"room-{booking.code}-{booking.slot_id}"
    sent = call.request.body.decode()
    assert booking.code in sent and "starts_at" in sent
    # No phone number or name of the resident travels to the provider.
    assert resident.phone not in sent and resident.get_full_name() not in sent


@responses.activate
@override_settings(**HTTP_PROVIDER)
def test_a_real_provider_is_asked_for_a_new_room_with_the_new_times_when_a_booking_moves(
    resident, online_offering, make_slot, django_capture_on_commit_callbacks
):
    responses.post(f"{PROVIDER}/rooms", json={"id": "r-1", "url": "https://rooms.example.test/r/r-1"}, status=201)
    responses.post(f"{PROVIDER}/rooms", json={"id": "r-2", "url": "https://rooms.example.test/r/r-2"}, status=201)
    booking = book_online(resident, make_slot, online_offering, django_capture_on_commit_callbacks)
    later = make_slot(online_offering, starts_in=timedelta(days=3))

    with django_capture_on_commit_callbacks(execute=True):
        moves.reschedule(resident, booking.code, later.pk)

    booking.refresh_from_db()
    assert (booking.room_id, booking.room_url) == ("r-2", "https://rooms.example.test/r/r-2")
    first, second = responses.calls
    assert first.request.headers["Idempotency-Key"] != second.request.headers["Idempotency-Key"]
    assert json.loads(second.request.body)["starts_at"] == later.starts_at.isoformat()
    assert Action.objects.filter(booking_code=booking.code, action="room_ready").count() == 2


@responses.activate
@override_settings(**HTTP_PROVIDER)
def test_a_provider_in_trouble_leaves_a_clear_state_and_the_booking_stands(
    resident, online_offering, make_slot, django_capture_on_commit_callbacks
):
    responses.post(f"{PROVIDER}/rooms", status=503)

    booking = book_online(resident, make_slot, online_offering, django_capture_on_commit_callbacks)

    # The booking is made; its room could not be prepared yet (the task is tried again later).
    assert booking.status == "booked"
    assert booking.room_status == "failed" and booking.room_url == ""
    assert len(responses.calls) == 2  # a 5xx is tried once more within the attempt
    assert Action.objects.filter(booking_code=booking.code, action="room_failed").count() == 1

    # The next attempt (the task's retry) succeeds.
    responses.replace(responses.POST, f"{PROVIDER}/rooms", json={"id": "r-9", "url": "https://rooms.example.test/r/9"})
    from marketplace.booking import online

    assert online.create_room(booking.pk) == "r-9"
    booking.refresh_from_db()
    assert (booking.room_status, booking.room_url) == ("ready", "https://rooms.example.test/r/9")


@responses.activate
@pytest.mark.parametrize(
    "answer",
    [
        {"body": requests.ConnectTimeout("slow")},
        {"status": 400, "json": {"message": "bad"}},
        {"status": 201, "body": "not json"},
        {"status": 201, "json": {"id": "x"}},
        {"status": 201, "json": {"id": "x", "url": "javascript:alert(1)"}},
    ],
    ids=["timeout", "refused", "not-json", "no-url", "not-a-web-address"],
)
def test_every_provider_failure_is_one_video_error(answer):
    responses.post(f"{PROVIDER}/rooms", **answer)
    client = video.VideoRoomClient(PROVIDER, "t", timeout=1, retries=0)
    from django.utils import timezone

    with pytest.raises(video.VideoError):
        client.create_room("ABCD2345", "咨询", timezone.now(), timezone.now(), "room-ABCD2345")


def test_the_sandbox_gives_the_same_room_for_the_same_key():
    from django.utils import timezone

    rooms = video.client()
    now = timezone.now()
    first = rooms.create_room("ABCD2345", "咨询", now, now, "room-ABCD2345")
    again = rooms.create_room("ABCD2345", "咨询", now, now, "room-ABCD2345")
    assert first == again and SandboxRoom.objects.count() == 1


def test_a_cancelled_booking_gets_no_room(resident, online_offering, make_slot):
    from marketplace.booking import online

    booking = services.book(resident, make_slot(online_offering).pk)
    services.cancel_booking(booking)
    assert online.create_room(booking.pk) is None
    assert Booking.objects.get(pk=booking.pk).room_url == ""


@pytest.mark.django_db(transaction=True)
@responses.activate
@override_settings(TASKS=DATABASE_QUEUE, TASK_RETRY_MINUTES=[1, 5, 30], **HTTP_PROVIDER)
def test_through_the_worker_a_failed_room_is_tried_again_later_and_then_made(resident, online_offering, make_slot):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from tests.marketplace.tasks_helpers import run_db_worker

    responses.post(f"{PROVIDER}/rooms", status=502)
    booking = services.book(resident, make_slot(online_offering, starts_in=timedelta(days=1)).pk)

    run_db_worker()

    booking.refresh_from_db()
    assert booking.room_status == "failed"
    (retry,) = DBTaskResult.objects.filter(status="READY")
    assert retry.run_after > timezone.now()  # tried again after its delay, not at once

    responses.replace(responses.POST, f"{PROVIDER}/rooms", json={"id": "r-7", "url": "https://rooms.example.test/r/7"})
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_db_worker()

    booking.refresh_from_db()
    assert (booking.room_status, booking.room_id) == ("ready", "r-7")
