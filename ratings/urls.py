"""Rating visits and confirming follow-up cases (residents), and moderation; mounted at /ratings/."""

from django.urls import path

from ratings import views

app_name = "ratings"

urlpatterns = [
    path("visits/<str:code>/", views.rate, name="rate"),
    path("cases/<int:case_id>/confirm/", views.confirm_case, name="confirm-case"),
    path("moderate/", views.moderate, name="moderate"),
    path("moderate/<int:rating_id>/hide/", views.hide, name="hide"),
    path("moderate/<int:rating_id>/restore/", views.restore, name="restore"),
]
