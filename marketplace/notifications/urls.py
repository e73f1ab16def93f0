"""The resident's notice settings, under /shop/accounts/notices/."""

from django.urls import path

from marketplace.notifications import views

urlpatterns = [
    path("", views.notice_settings, name="notice-settings"),
]
