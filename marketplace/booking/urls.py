"""The resident's booking pages, under /shop/accounts/bookings/ (URL names without a namespace)."""

from django.urls import path

from marketplace.booking import views

urlpatterns = [
    path("", views.my_bookings, name="my-bookings"),
    path("<str:code>/", views.booking_detail, name="booking-detail"),
    path("<str:code>/cancel/", views.cancel, name="booking-cancel"),
]
