"""The resident's booking pages, under /shop/accounts/bookings/ (URL names without a namespace)."""

from django.urls import path

from marketplace.booking import views

urlpatterns = [
    path("", views.my_bookings, name="my-bookings"),
    path("waitlist/join/", views.join_waitlist, name="waitlist-join"),
    path("waitlist/<int:entry_id>/leave/", views.leave_waitlist, name="waitlist-leave"),
    path("waitlist/<int:entry_id>/accept/", views.accept_offer, name="waitlist-accept"),
    path("waitlist/<int:entry_id>/decline/", views.decline_offer, name="waitlist-decline"),
    path("<str:code>/", views.booking_detail, name="booking-detail"),
    path("<str:code>/join/", views.join, name="booking-join"),
    path("<str:code>/cancel/", views.cancel, name="booking-cancel"),
    path("<str:code>/reschedule/", views.reschedule, name="booking-reschedule"),
]
