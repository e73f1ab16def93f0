from django.urls import path

from marketplace.audit import views as audit_views
from providers import closure_views, counter_views, rating_views, rule_views, views

app_name = "provider"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:partner_id>/day/", views.day, name="day"),
    path("<int:partner_id>/day.csv", views.day_csv, name="day-csv"),
    path("<int:partner_id>/day/print/", views.day_print, name="day-print"),
    path("<int:partner_id>/week/", views.week, name="week"),
    path("<int:partner_id>/check-in/", views.check_in, name="check-in"),
    path("<int:partner_id>/bookings/<str:code>/no-show/", views.no_show, name="no-show"),
    # Each page group keeps its routes next to its views.
    *counter_views.urlpatterns,
    *closure_views.urlpatterns,
    *rule_views.urlpatterns,
    *rating_views.urlpatterns,
    *audit_views.console_urlpatterns,
]
