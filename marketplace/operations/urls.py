"""The district administrator's operations view, mounted at ``/operations/``."""

from django.urls import path

from marketplace.operations import matter_views, views

app_name = "operations"

urlpatterns = [
    path("", views.booking_list, name="bookings"),
    path("bookings.csv", views.booking_export, name="booking-export"),
    path("bookings/<str:code>/", views.booking_detail, name="booking-detail"),
    path("channels/", views.channels, name="channels"),
    path("matters/", matter_views.matter_list, name="matters"),
    path("matters/<str:reference>/", matter_views.matter_detail, name="matter"),
]
