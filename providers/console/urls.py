"""The console's one URLconf, mounted at ``/provider/``; every route names its provider but the entrance."""

from django.urls import path

from providers.console import (
    closure_views,
    counter_views,
    day_views,
    history_views,
    matter_views,
    plan_views,
    rating_views,
)

app_name = "provider"

urlpatterns = [
    path("", day_views.index, name="index"),
    # The day's list, the week, check-in and no-shows
    path("<int:partner_id>/day/", day_views.day, name="day"),
    path("<int:partner_id>/matters/", matter_views.queue, name="matters"),
    path("<int:partner_id>/matters/<str:reference>/", matter_views.matter, name="matter"),
    path("<int:partner_id>/matters/<str:reference>/steps/", matter_views.step, name="matter-step"),
    path("<int:partner_id>/matters/<str:reference>/bookings/", matter_views.link_booking, name="matter-booking"),
    path("<int:partner_id>/matters/<str:reference>/materials/", matter_views.add_material, name="matter-material"),
    path("<int:partner_id>/matters/<str:reference>/session/", matter_views.schedule_session, name="matter-session"),
    path("<int:partner_id>/matters/<str:reference>/held/", matter_views.session_held, name="matter-held"),
    path("<int:partner_id>/day.csv", day_views.day_csv, name="day-csv"),
    path("<int:partner_id>/day/print/", day_views.day_print, name="day-print"),
    path("<int:partner_id>/week/", day_views.week, name="week"),
    path("<int:partner_id>/check-in/", day_views.check_in, name="check-in"),
    path("<int:partner_id>/bookings/<str:code>/no-show/", day_views.no_show, name="no-show"),
    path("<int:partner_id>/bookings/<str:code>/join/", day_views.join, name="join"),
    path(
        "<int:partner_id>/bookings/<str:code>/evidence-not-shown/",
        day_views.evidence_not_shown,
        name="evidence-not-shown",
    ),
    path("<int:partner_id>/bookings/<str:code>/history/", history_views.booking_history, name="booking-history"),
    # Booking at the counter
    path("<int:partner_id>/counter/", counter_views.counter, name="counter"),
    path("<int:partner_id>/counter/register/", counter_views.register, name="counter-register"),
    path("<int:partner_id>/counter/book/", counter_views.book, name="counter-book"),
    path("<int:partner_id>/counter/bookings/<str:code>/", counter_views.booked, name="counter-booked"),
    path("<int:partner_id>/counter/bookings/<str:code>/slip/", counter_views.slip, name="counter-slip"),
    # Closures
    path("<int:partner_id>/closures/", closure_views.closure_list, name="closures"),
    path("<int:partner_id>/closures/<int:closure_id>/reopen/", closure_views.closure_reopen, name="closure-reopen"),
    path("<int:partner_id>/slots/<int:slot_id>/close/", closure_views.slot_close, name="slot-close"),
    # Weekly plans and the day's slots
    path("<int:partner_id>/plans/", plan_views.rules, name="rules"),
    path("<int:partner_id>/plans/new/", plan_views.rule_new, name="rule-new"),
    path("<int:partner_id>/plans/<int:rule_id>/", plan_views.rule_edit, name="rule-edit"),
    path("<int:partner_id>/plans/<int:rule_id>/delete/", plan_views.rule_delete, name="rule-delete"),
    path("<int:partner_id>/slots/", plan_views.slots, name="slots"),
    path("<int:partner_id>/slots/<int:slot_id>/", plan_views.slot_edit, name="slot-edit"),
    # Ratings and follow-up cases
    path("<int:partner_id>/ratings/", rating_views.rating_list, name="ratings"),
    path("<int:partner_id>/ratings/<int:rating_id>/reply/", rating_views.rating_reply, name="rating-reply"),
    path("<int:partner_id>/cases/", rating_views.case_list, name="cases"),
    path("<int:partner_id>/cases/<int:case_id>/answer/", rating_views.case_answer, name="case-answer"),
]
