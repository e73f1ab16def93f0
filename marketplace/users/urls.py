"""The people a resident books for, under /shop/accounts/dependants/."""

from django.urls import path

from marketplace.users import views

urlpatterns = [
    path("", views.dependants, name="dependants"),
    path("<int:dependant_id>/", views.edit_dependant, name="dependant-edit"),
    path("<int:dependant_id>/remove/", views.remove_dependant, name="dependant-remove"),
]
