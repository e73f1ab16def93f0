"""The grid worker's pages, mounted at ``/grid/``."""

from django.urls import path

from marketplace.grid import views

app_name = "grid"

urlpatterns = [
    path("", views.home, name="home"),
    path("grids/<int:grid_id>/", views.grid, name="grid"),
    path("grids/<int:grid_id>/demand/", views.record_demand, name="record-demand"),
    path("residents/<int:resident_id>/book/", views.book, name="book"),
    path("demands/<str:reference>/", views.demand, name="demand"),
    path("demands/<str:reference>/elsewhere/", views.send_elsewhere, name="send-elsewhere"),
]
