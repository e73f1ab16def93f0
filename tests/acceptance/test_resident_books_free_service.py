"""A resident finds a free service, books a slot on the web, sees it, and cancels it."""

from django.urls import reverse

from marketplace.booking.models import Booking
from tests.conftest import PASSWORD


def book_on_the_web(client, service, slot):
    response = client.post(
        reverse("basket:add", kwargs={"pk": service.pk}),
        {"quantity": 1, "slot": slot.pk, "next": reverse("checkout:index")},
        follow=True,
    )
    assert response.status_code == 200
    return response


def test_home_to_sector_to_service_to_booking_to_cancel(client, resident, service_page, service, slot):
    home = client.get("/")
    assert home.status_code == 200
    sector_url = service_page.get_parent().url
    assert sector_url in home.content.decode()

    sector = client.get(sector_url)
    assert service.title in sector.content.decode()

    page = client.get(service_page.url)
    html = page.content.decode()
    assert "社区律师一对一免费解答法律问题" in html
    assert f'name="slot" value="{slot.pk}"' in html

    client.login(email=resident.email, password=PASSWORD)
    preview = book_on_the_web(client, service, slot)
    assert preview.redirect_chain[-1][0] == reverse("checkout:preview")
    assert "确认预约" in preview.content.decode()  # Chinese by default: "Confirm booking"

    done = client.post(reverse("checkout:preview"), {"action": "place_order"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("checkout:thank-you")
    booking = Booking.objects.get(user=resident)
    assert booking.code in done.content.decode()
    slot.refresh_from_db()
    assert slot.num_booked == 1

    mine = client.get(reverse("my-bookings"))
    assert booking.code in mine.content.decode()

    cancelled = client.post(reverse("booking-cancel", kwargs={"code": booking.code}), follow=True)
    assert cancelled.status_code == 200
    booking.refresh_from_db()
    slot.refresh_from_db()
    assert booking.status == "cancelled"
    assert slot.num_booked == 0


def test_a_visitor_who_books_signs_in_and_keeps_the_chosen_slot(client, resident, service_page, service, slot):
    response = book_on_the_web(client, service, slot)
    # not signed in: checkout sends the visitor to sign in before anything is booked
    assert response.redirect_chain[-1][0] == reverse("customer:login") + "?next=" + reverse("checkout:index")
    assert 'name="login-username"' in response.content.decode()
    assert Booking.objects.count() == 0

    client.post(
        reverse("customer:login") + "?next=" + reverse("checkout:index"),
        {"login-username": resident.email, "login-password": PASSWORD, "login_submit": "1"},
    )
    preview = client.get(reverse("checkout:index"), follow=True)
    assert preview.redirect_chain[-1][0] == reverse("checkout:preview")
    done = client.post(reverse("checkout:preview"), {"action": "place_order"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("checkout:thank-you")
    assert Booking.objects.get().user == resident
