"""The district administrator's operations view, mounted at ``/operations/``."""

from django.urls import path

from marketplace.operations import views

app_name = "operations"

urlpatterns = [
    path("", views.booking_list, name="bookings"),
    path("bookings.csv", views.booking_export, name="booking-export"),
    path("bookings/<str:code>/", views.booking_detail, name="booking-detail"),
]
