"""The supervisors' queue (督办), mounted at ``/supervision/``."""

from django.urls import path

from marketplace.matters import supervision_views as views

app_name = "supervision"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:escalation_id>/", views.detail, name="detail"),
    path("<int:escalation_id>/deadline/", views.set_deadline, name="deadline"),
    path("<int:escalation_id>/reassign/", views.reassign, name="reassign"),
    path("<int:escalation_id>/finding/", views.close_with_finding, name="finding"),
]
