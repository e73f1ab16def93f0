"""The sandbox video-room provider: this site plays the provider when ``VIDEO_ROOM_PROVIDER`` is ``sandbox``.

It speaks the client's interface (``create_room``) and keeps its rooms in its
own table. Its room page (``/video/sandbox/rooms/<id>/``) shows the service,
who has entered, and the visitor's own camera when the browser allows it, so
an online consultation can be tried end to end with nothing outside.
"""

import secrets

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from marketplace.video.client import Room
from marketplace.video.models import SandboxRoom

ROLES = ("resident", "staff")


def _as_room(row):
    return Room(id=row.public_id, url=reverse("video:sandbox-room", kwargs={"public_id": row.public_id}))


class SandboxVideoRooms:
    def create_room(self, reference, title, starts_at, ends_at, idempotency_key):
        row = SandboxRoom.objects.filter(idempotency_key=idempotency_key).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = SandboxRoom.objects.create(
                        public_id="room_" + secrets.token_hex(12),
                        idempotency_key=idempotency_key,
                        reference=reference,
                        title=title[:255],
                        starts_at=starts_at,
                        ends_at=ends_at,
                    )
            except IntegrityError:
                row = SandboxRoom.objects.get(idempotency_key=idempotency_key)
        return _as_room(row)


def enter(row, role, name, now=None):
    """Someone entered the room (the join link sent them with their role and name): listed once."""
    if role not in ROLES or not name:
        return row
    if any(person["role"] == role and person["name"] == name for person in row.participants):
        return row
    now = now or timezone.now()
    row.participants = [*row.participants, {"role": role, "name": str(name)[:60], "at": now.isoformat()}]
    row.save(update_fields=["participants"])
    return row
