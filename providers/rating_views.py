"""The console's ratings pages: reply once to a rating, answer follow-up cases."""

from django.urls import path  # noqa: F401

urlpatterns = []
