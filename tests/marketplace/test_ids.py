"""Ids are read one strict way everywhere (issue 18, item 4): a form, a query string or a URL with
``²`` (a digit to ``str.isdigit`` that ``int`` refuses), ``٣`` (a digit ``int`` reads as 3) or 30
digits (past any database integer) is answered 4xx, never 500, and never taken for another id."""

import pytest
from django.urls import reverse

from marketplace.booking import services
from marketplace.booking.models import Booking
from marketplace.ids import IdChoiceField, IdField, id_or_bad_request, parse_id
from marketplace.users.services import add_dependant
from providers.models import ScheduleRule
from tests.marketplace.api.conftest import authorised_client
from tests.marketplace.checkout.test_checkout import book_and_reach_preview, logged_in

SUPERSCRIPT_TWO = "²"
ARABIC_THREE = "٣"
THIRTY_DIGITS = "1" * 30
BAD_IDS = [SUPERSCRIPT_TWO, ARABIC_THREE, THIRTY_DIGITS, "３", "-1", "0", "1.0", "1e3", "0x10", " ", "abc"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        ("007", 7),
        (" 42 ", 42),
        (42, 42),
        ("9223372036854775807", 2**63 - 1),
        ("9223372036854775808", None),
        (THIRTY_DIGITS, None),
        (SUPERSCRIPT_TWO, None),
        (ARABIC_THREE, None),
        ("３", None),
        ("-1", None),
        ("0", None),
        (0, None),
        (True, None),
        (None, None),
        ("", None),
        ("1.0", None),
        (1.0, None),
    ],
)
def test_an_id_is_ascii_digits_within_the_database_range(value, expected):
    assert parse_id(value) == expected


def test_a_door_answers_an_absent_id_with_none_and_a_malformed_one_with_400():
    from django.core.exceptions import BadRequest

    assert id_or_bad_request(None) is None
    assert id_or_bad_request("  ") is None
    assert id_or_bad_request("12") == 12
    for bad in BAD_IDS[:-2]:
        with pytest.raises(BadRequest):
            id_or_bad_request(bad)


def test_form_fields_refuse_what_is_not_an_id(db, offering):
    field = IdChoiceField(queryset=type(offering).objects.all())
    assert field.clean(str(offering.pk)) == offering
    for bad in BAD_IDS:
        with pytest.raises(Exception) as refused:
            field.clean(bad)
        assert refused.typename == "ValidationError"
    assert IdField().clean("5") == 5
    with pytest.raises(Exception) as refused:
        IdField().clean(ARABIC_THREE)
    assert refused.value.code == "invalid"


# The doors


@pytest.mark.parametrize("bad", [SUPERSCRIPT_TWO, ARABIC_THREE, THIRTY_DIGITS])
def test_choosing_a_community_that_is_not_an_id_is_a_bad_request(client, home_page, bad):
    response = client.post("/community/choose/", {"community": bad, "next": "/"})
    assert response.status_code == 400
    assert "无法处理的请求" in response.content.decode()


@pytest.mark.parametrize("bad", [SUPERSCRIPT_TWO, ARABIC_THREE, THIRTY_DIGITS])
def test_checkout_for_a_dependant_that_is_not_an_id_books_nothing(resident, service, slot, bad):
    add_dependant(resident, "王秀英", "parent")
    client = logged_in(resident)
    book_and_reach_preview(client, service, slot)

    response = client.post(reverse("checkout:preview"), {"action": "place_order", "booked_for": bad})

    assert response.status_code == 400
    assert not Booking.objects.exists()


@pytest.mark.parametrize("bad", [SUPERSCRIPT_TWO, ARABIC_THREE, THIRTY_DIGITS])
def test_a_slot_that_is_not_an_id_is_not_put_in_the_basket(resident, service, offering, make_slot, bad):
    make_slot(offering, pk=3)  # bookable: "٣" must not be read as it
    client = logged_in(resident)

    response = client.post(
        reverse("basket:add", kwargs={"pk": service.pk}), {"quantity": 1, "slot": bad}, HTTP_REFERER="/service/"
    )

    assert response.status_code < 500
    assert not resident.baskets.filter(lines__isnull=False).exists()


@pytest.mark.parametrize("bad", [SUPERSCRIPT_TWO, ARABIC_THREE, THIRTY_DIGITS])
def test_moving_a_booking_to_a_slot_that_is_not_an_id_is_a_bad_request(resident, offering, make_slot, bad):
    booking = services.book(resident, make_slot(offering).pk)
    client = logged_in(resident)
    url = reverse("booking-reschedule", kwargs={"code": booking.code})

    assert client.get(url, {"slot": bad}).status_code == 400
    assert client.post(url, {"slot": bad}).status_code == 400
    assert client.get(reverse("waitlist-join"), {"slot": bad}).status_code == 400


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/ratings/cases/{bad}/confirm/"),
        ("get", "/index/providers/{bad}/"),
        ("get", "/provider/{bad}/day/"),
        ("post", "/shop/accounts/bookings/waitlist/{bad}/leave/"),
        ("get", "/shop/catalogue/service_{bad}/"),
    ],
)
@pytest.mark.parametrize("bad", [SUPERSCRIPT_TWO, ARABIC_THREE, THIRTY_DIGITS])
def test_an_id_in_the_address_that_is_no_id_is_not_found(resident, method, url, bad):
    response = getattr(logged_in(resident), method)(url.format(bad=bad))
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("bad", [SUPERSCRIPT_TWO, ARABIC_THREE, THIRTY_DIGITS])
def test_removing_a_dependant_that_is_no_id_removes_nobody(resident, bad):
    mother = add_dependant(resident, "王秀英", "parent")
    client = logged_in(resident)

    response = client.post(f"/shop/accounts/dependants/{bad}/remove/", follow=True)

    # "²" and "٣" match no address (404); 30 digits is an id no dependant has, answered as any unknown one.
    assert response.status_code == 404 or "您没有登记这位家属。" in response.content.decode()
    mother.refresh_from_db()
    assert mother.removed_at is None


@pytest.mark.parametrize("bad", [SUPERSCRIPT_TWO, ARABIC_THREE, THIRTY_DIGITS])
def test_the_consoles_forms_refuse_an_offering_or_slot_that_is_not_an_id(client, staff, provider, offering, bad):
    client.force_login(staff)
    day = client.get(f"/provider/{provider.pk}/day/", {"offering": bad})
    assert day.status_code == 200  # the filter is left out, and said so
    assert day.context["offering"] is None
    assert client.get(f"/provider/{provider.pk}/day.csv", {"offering": bad}).status_code == 200
    plans = client.post(f"/provider/{provider.pk}/plans/new/", {"offering": bad, "weekdays": ["0"]})
    assert plans.status_code < 500
    assert not ScheduleRule.objects.exists()


@pytest.mark.parametrize("bad", [SUPERSCRIPT_TWO, ARABIC_THREE, THIRTY_DIGITS])
def test_the_article_list_reads_a_page_number_that_is_not_one_as_the_first(client, home_page, bad):
    from cms.models import ArticleIndexPage

    news = home_page.add_child(instance=ArticleIndexPage(title="新闻动态", slug="news"))
    assert client.get(news.url, {"page": bad}).status_code == 200


@pytest.mark.parametrize("bad", [ARABIC_THREE, THIRTY_DIGITS])
def test_the_api_answers_an_id_that_is_not_one_with_4xx(resident, slot, bad):
    api = authorised_client(resident)
    assert 400 <= api.get(f"/api/v1/services/{bad}").status_code < 500
    assert 400 <= api.get(f"/api/v1/services/{slot.offering.product_id}/slots", {"provider": bad}).status_code < 500
    for value in (bad, int(bad) if bad.isascii() else bad):
        response = api.post("/api/v1/bookings", {"slot": value}, content_type="application/json")
        assert 400 <= response.status_code < 500
    assert not Booking.objects.exists()
