"""The resident's "who has seen my data", under /shop/accounts/ beside their other pages."""

from django.urls import path

from marketplace.audit import views

urlpatterns = [path("seen-my-data/", views.access_log, name="access-log")]
