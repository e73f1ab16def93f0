"""The sandbox video-room provider's pages, under /video/."""

from django.urls import path

from marketplace.video import views

app_name = "video"

urlpatterns = [
    path("sandbox/rooms/<str:public_id>/", views.sandbox_room, name="sandbox-room"),
]
