"""The public street index (指数排行) and the 10-minute service circle; mounted at /index/."""

from django.urls import path  # noqa: F401

app_name = "streetindex"

urlpatterns = []
