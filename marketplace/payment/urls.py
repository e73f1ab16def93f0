"""Payment pages under /shop/payment/: the gateway's webhook and return, and the sandbox gateway."""

from django.urls import path

from marketplace.payment import views

app_name = "payment"

urlpatterns = [
    path("pay/<str:code>/", views.pay, name="pay"),
    path("webhook/", views.webhook, name="webhook"),
    path("return/<str:reference>/", views.payment_return, name="return"),
    path("sandbox/<str:public_id>/", views.sandbox_page, name="sandbox"),
]
