"""A booking made through the API is an ordinary Oscar order: the dashboard and the account pages show it."""

from django.urls import reverse
from wagtail.models import APIToken

from tests.conftest import PASSWORD


def test_api_booking_shows_in_dashboard_and_account_pages(client, resident, admin_user, slot):
    _token, raw = APIToken.create_token(user=resident, name="app")
    response = client.post(
        "/api/v1/bookings",
        {"slot": slot.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201
    code = response.json()["code"]
    order = resident.orders.get()
    assert order.number == code  # one code for the resident, the counter and the dashboard

    client.login(email=resident.email, password=PASSWORD)
    # Oscar's order history is not a resident's page: it leads to their bookings (issue 19, item 1).
    assert order.number in client.get(reverse("customer:order-list"), follow=True).content.decode()
    assert code in client.get(reverse("my-bookings")).content.decode()
    client.logout()

    client.login(email="admin@example.com", password=PASSWORD)
    dashboard = client.get(reverse("dashboard:order-list"))
    assert order.number in dashboard.content.decode()
    detail = client.get(reverse("dashboard:order-detail", kwargs={"number": order.number}))
    assert detail.status_code == 200
    assert "免费法律咨询" in detail.content.decode()
