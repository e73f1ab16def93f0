"""Oscar's shop addresses that a resident could still reach (a bookmark, a link in Oscar's own pages,
an address typed by hand), and where each leads now (issue 19, item 1).

A resident books a time of a service; they have no basket, order history, address book, wish list
or product alerts. An address with a counterpart here leads to it (the basket to the service whose
time is being confirmed, order history to my bookings, Oscar's notifications to our notices);
the rest answer 404. Only the basket's "add" (the Book buttons post there) and the checkout stay.
"""

from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, re_path, reverse
from oscar.core.loading import get_model

from marketplace.ids import parse_id


def _chosen_service_url(basket):
    """The page of the service whose time is waiting to be confirmed, at its times; None without one."""
    for line in basket.all_lines():
        return line.product.get_absolute_url() + "#slots-title"
    return None


def basket(request):
    """The basket's own page: back to the service being booked, else to the resident's bookings."""
    chosen = _chosen_service_url(request.basket) if request.basket.id else None
    if chosen:
        return redirect(chosen)
    return redirect("my-bookings" if request.user.is_authenticated else "/")


def to_my_bookings(request, *args, **kwargs):
    return redirect("my-bookings")


def to_my_data(request, *args, **kwargs):
    return redirect("my-data")


def to_notices(request, *args, **kwargs):
    return redirect("notice-settings")


def to_home(request, *args, **kwargs):
    return redirect("/")


def service_page(request, pk, **kwargs):
    """Oscar's product page: the service's guide page where it has one, else nothing."""
    pk = parse_id(pk)
    if pk is None:
        raise Http404
    product = get_model("catalogue", "Product").objects.filter(pk=pk, is_public=True).first()
    url = product.get_absolute_url() if product is not None else ""
    if not url or url.startswith(reverse("catalogue:index")):
        raise Http404
    return redirect(url)


def gone(request, *args, **kwargs):
    raise Http404


urlpatterns = [
    # Oscar's account summary and profile: "my data and settings" is ours.
    path("shop/accounts/", to_my_data),
    path("shop/accounts/profile/", to_my_data),
    path("shop/basket/", basket),
    re_path(r"^shop/basket/(?!add/)", gone),  # vouchers, saved for later
    path("shop/accounts/orders/", to_my_bookings),
    re_path(r"^shop/accounts/orders/", to_my_bookings),
    re_path(r"^shop/accounts/order-status", gone),
    re_path(r"^shop/accounts/notifications/", to_notices),
    re_path(r"^shop/accounts/emails/", to_notices),
    re_path(r"^shop/accounts/(addresses|alerts|wishlists)/", gone),
    re_path(r"^shop/wishlists/", gone),
    re_path(r"^shop/offers/", gone),
    # A service's page (slug_id, or its reviews): the id read as our ids are, "²" or "٣" being none.
    re_path(r"^shop/catalogue/(?!category/)(?:[^/]*_)?(?P<pk>[^/_]+)/", service_page),
    # The catalogue's lists and sector pages: the sectors are the home page's.
    re_path(r"^shop/catalogue/", to_home),
]
