"""The product's URLs plus one trivial view: the yardstick of bench/booking_bench.py.

The trivial view goes through the same middleware, settings and gunicorn as the
product's pages and answers after one small query, so bookings/s and the
service page's requests/s are reported as shares of what a Django view costs on
the machine that day.
"""

from django.http import HttpResponse
from django.urls import path
from oscar.core.loading import get_model

from marketplace.urls import handler404, handler500  # noqa: F401
from marketplace.urls import urlpatterns as product_urlpatterns

Category = get_model("catalogue", "Category")


def trivial(request):
    return HttpResponse(str(Category.objects.filter(depth=1).count()), content_type="text/plain")


# Before the product's URLs: Wagtail's catch-all comes last there.
urlpatterns = [path("bench/trivial", trivial, name="bench-trivial"), *product_urlpatterns]
