"""The 12348 hotline operator's workspace, mounted at ``/hotline/``."""

from django.urls import path

from marketplace.hotline import views

app_name = "hotline"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("calls/new/", views.take_call, name="take-call"),
    path("calls/<int:call_id>/", views.call_detail, name="call"),
    path("calls/<int:call_id>/caller/", views.identify, name="identify"),
    path("calls/<int:call_id>/register/", views.register, name="register"),
    path("calls/<int:call_id>/book/", views.book, name="book"),
    path("calls/<int:call_id>/matter/<str:kind>/", views.matter, name="matter"),
    path("calls/<int:call_id>/call-back/", views.schedule_call_back, name="schedule-call-back"),
    path("call-backs/<int:call_back_id>/done/", views.call_back_done, name="call-back-done"),
    path("call-backs/<int:call_back_id>/move/", views.move_call_back, name="call-back-move"),
]
