"""Payment pages under /shop/payment/: the gateway's webhook and return, and the sandbox gateway."""

app_name = "payment"

urlpatterns = []
