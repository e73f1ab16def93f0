"""Client of the video-room provider: one room for each online booking (issue 21).

The protocol, in full (a generic REST provider, as China's meeting services offer):

- ``POST {base}/rooms`` with ``{reference, title, starts_at, ends_at}`` (ISO 8601
  with offset; ``reference`` is the booking code) and an ``Idempotency-Key``
  header → 201 ``{id, url}``: the room, open to whoever has its URL. The key is the
  booking's code and slot: a booking moved to another time asks for a new room.
- Requests carry ``Authorization: Bearer {token}``. 4xx is a request the
  provider refuses, 5xx and timeouts a provider in trouble.
- A participant enters at ``{url}?role=resident|staff&name=...``: the name
  shown to the others in the room.

Residents never see the room's own URL: they follow the booking's join link
(``/shop/accounts/bookings/<code>/join/``), which checks the time, records
who joined, then redirects here. Creating the room talks to the outside
world, so it runs as a background task (``marketplace.video.tasks``).

Settings: ``VIDEO_ROOM_PROVIDER`` (``sandbox``, the default: rooms served by
this site, or ``http``), ``VIDEO_ROOM_URL``, ``VIDEO_ROOM_TOKEN``,
``VIDEO_ROOM_TIMEOUT`` (seconds).
"""

import logging
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from django.conf import settings

logger = logging.getLogger(__name__)


class VideoError(Exception):
    """The provider could not create the room; the task tries again later."""


class ProviderUnavailable(VideoError):
    """A timeout, a connection error or a 5xx."""


class RequestRefused(VideoError):
    """The provider refused the request as invalid (4xx)."""


class MalformedResponse(VideoError):
    """The provider answered something that is not the protocol."""


@dataclass(frozen=True)
class Room:
    id: str
    url: str


def entry_url(room_url, role, name):
    """Where a participant enters the room: its URL, with who they are for the others."""
    separator = "&" if "?" in room_url else "?"
    return f"{room_url}{separator}{urlencode({'role': role, 'name': name})}"


class VideoRoomClient:
    """One account at the video-room provider. ``retries``: extra attempts after a timeout or a 5xx
    (safe: the retry sends the same idempotency key)."""

    def __init__(self, base_url, token, timeout=10, retries=1, session=None):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.retries = retries
        self.session = session or requests.Session()

    def create_room(self, reference, title, starts_at, ends_at, idempotency_key):
        body = {
            "reference": reference,
            "title": title,
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
        }
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
            "Idempotency-Key": idempotency_key,
        }
        url = self.base_url + "/rooms"
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self.session.post(url, json=body, headers=headers, timeout=self.timeout)
            except requests.RequestException as error:
                logger.warning("Video-room provider unreachable: %s (attempt %d)", type(error).__name__, attempt + 1)
                if last:
                    raise ProviderUnavailable("The video-room provider cannot be reached.") from error
                continue
            if response.status_code >= 500:
                logger.warning("Video-room provider error %d (attempt %d)", response.status_code, attempt + 1)
                if last:
                    raise ProviderUnavailable(f"The video-room provider answered {response.status_code}.")
                continue
            if response.status_code >= 400:
                raise RequestRefused(f"The video-room provider refused the room ({response.status_code}).")
            return self._room(response)
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _room(response):
        try:
            data = response.json()
        except ValueError as error:
            raise MalformedResponse("The video-room provider answered something not JSON.") from error
        if not isinstance(data, dict) or not data.get("id") or not data.get("url"):
            raise MalformedResponse("The video-room provider's room lacks its id or url.")
        url = str(data["url"])
        if not url.startswith("https://") and not url.startswith("http://"):
            raise MalformedResponse("The video-room provider's room url is not a web address.")
        return Room(id=str(data["id"]), url=url)


def client():
    """The configured provider, or the sandbox this site serves itself."""
    if settings.VIDEO_ROOM_PROVIDER == "http":
        return VideoRoomClient(
            base_url=settings.VIDEO_ROOM_URL, token=settings.VIDEO_ROOM_TOKEN, timeout=settings.VIDEO_ROOM_TIMEOUT
        )
    from marketplace.video.sandbox import SandboxVideoRooms

    return SandboxVideoRooms()
