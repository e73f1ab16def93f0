"""The resident's own data, under /shop/accounts/my-data/: read it, download it, delete the account."""

from django.urls import path

from marketplace.grid import views as grid_views
from marketplace.users import views

urlpatterns = [
    path("", views.my_data, name="my-data"),
    path("download/", views.my_data_download, name="my-data-download"),
    path("delete-account/", views.delete_account, name="delete-account"),
    path("grid/", grid_views.resident_agree, name="my-grid-agree"),
    path("grid/withdraw/", grid_views.resident_withdraw, name="my-grid-withdraw"),
]
