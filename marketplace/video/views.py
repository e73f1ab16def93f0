"""The sandbox video-room provider's room page (only while the sandbox is the provider)."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from marketplace.video import sandbox
from marketplace.video.models import SandboxRoom


@require_GET
def sandbox_room(request, public_id):
    if settings.VIDEO_ROOM_PROVIDER != "sandbox":
        raise Http404
    room = get_object_or_404(SandboxRoom, public_id=public_id)
    sandbox.enter(room, request.GET.get("role", ""), request.GET.get("name", ""))
    return render(
        request,
        "video/sandbox_room.html",
        {"room": room, "me": request.GET.get("name", ""), "participants": room.participants},
    )
