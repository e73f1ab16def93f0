"""Rating visits and confirming follow-up cases (residents), and moderation; mounted at /ratings/."""

from django.urls import path  # noqa: F401

app_name = "ratings"

urlpatterns = []
