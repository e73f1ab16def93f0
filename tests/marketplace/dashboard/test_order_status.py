"""The administrator's Oscar dashboard cannot put an order into a state its booking does not have.

Order and line statuses follow the booking (``services.follow_booking``); a status set beside it used to
leave the booking domain unable to move the order on, and check-in and cancelling answered 500.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from marketplace.booking import services
from marketplace.booking.models import Booking
from providers.console import reads

Order = get_model("order", "Order")


def order_url(booking):
    return reverse("dashboard:order-detail", kwargs={"number": booking.order.number})


@pytest.fixture
def future_booking(resident, make_slot, offering):
    return services.book(resident, make_slot(offering, starts_in=timedelta(days=3)).pk)


def test_the_order_page_offers_no_status_change(client, admin_user, today_booking):
    client.force_login(admin_user)
    response = client.get(order_url(today_booking))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="change_order_status"' not in html
    assert 'value="change_line_statuses"' not in html
    listing = client.get(reverse("dashboard:order-list")).content.decode()
    assert 'value="change_order_statuses"' not in listing

    # Nor does a hand-made request change anything.
    line = today_booking.line
    client.post(order_url(today_booking), {"order_action": "change_order_status", "new_status": "no_show"})
    client.post(
        order_url(today_booking),
        {"line_action": "change_line_statuses", "new_status": "no_show", "selected_line": [line.pk]},
    )
    client.post(
        reverse("dashboard:order-list"),
        {"action": "change_order_statuses", "new_status": "no_show", "selected_order": [today_booking.order.pk]},
    )
    order = Order.objects.get(pk=today_booking.order.pk)
    assert (order.status, order.lines.get().status) == ("booked", "booked")


@pytest.mark.parametrize("status", ["no_show", "cancelled", "checked_in"])
def test_a_status_posted_to_the_dashboard_leaves_check_in_working(
    client, admin_user, staff, provider, today_booking, status
):
    client.force_login(admin_user)
    client.post(order_url(today_booking), {"order_action": "change_order_status", "new_status": status})
    line = today_booking.line
    client.post(
        order_url(today_booking),
        {
            "line_action": "change_line_statuses",
            "new_status": status,
            "selected_line": [line.pk],
            f"selected_line_qty_{line.pk}": 1,
        },
    )
    client.post(
        reverse("dashboard:order-list"),
        {"action": "change_order_statuses", "new_status": status, "selected_order": [today_booking.order.pk]},
    )

    client.force_login(staff)
    response = client.post(
        f"/provider/{provider.pk}/check-in/", {"code": today_booking.code, "date": reads.today().isoformat()}
    )
    assert response.status_code == 302
    today_booking.refresh_from_db()
    order = Order.objects.get(pk=today_booking.order.pk)
    assert today_booking.status == order.status == order.lines.get().status == Booking.Status.CHECKED_IN


@pytest.mark.parametrize("status", ["no_show", "checked_in"])
def test_a_status_posted_to_the_dashboard_leaves_cancelling_working(
    client, admin_user, resident, future_booking, status
):
    client.force_login(admin_user)
    client.post(order_url(future_booking), {"order_action": "change_order_status", "new_status": status})
    client.post(
        reverse("dashboard:order-list"),
        {"action": "change_order_statuses", "new_status": status, "selected_order": [future_booking.order.pk]},
    )

    client.force_login(resident)
    response = client.post(reverse("booking-cancel", kwargs={"code": future_booking.code}))
    assert response.status_code == 302
    future_booking.refresh_from_db()
    assert future_booking.status == Booking.Status.CANCELLED
    assert Order.objects.get(pk=future_booking.order.pk).status == Booking.Status.CANCELLED


def test_the_django_admin_shows_order_and_line_statuses_without_changing_them(client, admin_user, today_booking):
    client.force_login(admin_user)
    order_page = client.get(reverse("admin:order_order_change", args=[today_booking.order.pk]))
    line_page = client.get(reverse("admin:order_line_change", args=[today_booking.line.pk]))
    assert order_page.status_code == line_page.status_code == 200
    assert 'name="status"' not in order_page.content.decode()
    assert 'name="lines-0-status"' not in order_page.content.decode()
    assert 'name="status"' not in line_page.content.decode()
