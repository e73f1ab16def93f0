"""The URL layout of DESIGN.md §9: each door opens where the README says."""

import pytest


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", 200),
        # A resident has no basket and no catalogue: the first leads to the service being booked
        # (or home), the second to the sectors of the home page (issue 19, item 1).
        ("/shop/basket/", 302),
        ("/shop/catalogue/", 302),
        ("/shop/search/?q=法律", 301),
        ("/shop/accounts/login/", 200),
        ("/search/?q=法律", 200),
        ("/api/v1/openapi.json", 200),
        ("/cms/", 302),
        ("/django-admin/", 302),
        ("/shop/dashboard/", 302),
        ("/shop/accounts/bookings/", 302),
        ("/no-such-page/", 404),
    ],
)
def test_each_area_answers_where_it_should(client, home_page, url, expected):
    assert client.get(url).status_code == expected


def test_staff_reach_the_dashboard_and_the_cms(client, admin_user):
    client.login(email="admin@example.com", password="Panlong-2026!")
    assert client.get("/shop/dashboard/").url == "/operations/"  # the dashboard's front page is the operations view
    assert client.get("/operations/").status_code == 200
    assert client.get("/cms/").status_code == 200
