"""Upgrades are safe (issue 23 item 7): a release's demo database, migrated forward to today's code, still holds
its bookings, orders, matters and street index, its accounts still sign in, and the site works on it.

Each fixture in tests/upgrade/fixtures/ (made by tests/upgrade/make_fixture.py, README "Upgrades") holds the
migrations a release had applied and the rows its ``seed_demo`` wrote. The test builds each release's database
in a database of its own (tests/upgrade/release.py), runs today's ``migrate`` on it as an upgrade does, and
reads the result through today's models, services and pages. What is expected comes from the fixture's rows.
"""

from collections import Counter
from pathlib import Path

import pytest
from django.conf import global_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.utils.dateparse import parse_datetime
from oscar.core.loading import get_model

from marketplace.booking.models import Booking
from marketplace.matters.models import Matter, MatterStep
from providers.models import Slot
from streetindex import readouts
from streetindex.models import IndexFigure, IndexRun
from streetindex.periods import Period
from tests.conftest import PASSWORD
from tests.upgrade import release as releases

Order = get_model("order", "Order")
Line = get_model("order", "Line")
User = get_user_model()

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("*.json.xz"))
LOGIN = "/shop/accounts/login/"
# The labels a booking had: Oscar's order fork held it until the booking app took it over (2026-12-05).
BOOKING_LABELS = ("order.booking", "booking.booking")


def by_pk(rows):
    return {row["pk"]: row["fields"] for row in rows}


@pytest.fixture
def own_database(django_db_blocker, tmp_path):
    """A database of the test's own: the releases' rows are never mixed with the test database's."""
    with django_db_blocker.unblock(), releases.own_default_database(tmp_path / "schema.sqlite3") as connection:
        yield connection


def test_each_release_database_upgrades_with_its_bookings_matters_and_index(own_database, client, tmp_path, subtests):
    """The releases' schemas are built one from the other in ``own_database``, oldest first (each migration runs
    once, not again for every later release); each release's rows are written into a copy of its schema, which
    today's migrations then upgrade."""
    for release in releases.oldest_first([releases.read(fixture) for fixture in FIXTURES]):
        with subtests.test(release=release["name"]):
            historical_apps = releases.migrate_to(own_database, release)
            copy = tmp_path / f"{release['name']}.sqlite3"
            with releases.own_default_database(copy, copy_of=own_database) as upgraded:
                with override_settings(MEDIA_ROOT=tmp_path / release["name"] / "media"):
                    pictures_of_the_release(release, tmp_path / release["name"] / "media")
                    upgrade_and_read(release, historical_apps, upgraded, client)


def pictures_of_the_release(release, media_root):
    """An upgrade keeps MEDIA_ROOT, but a fixture holds the database only: each picture gets a stand-in file of
    its size, so that pages render their images as they would on the upgraded site."""
    from PIL import Image

    for row in releases.rows(release, "wagtailimages.image"):
        path = media_root / row["fields"]["file"]
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (row["fields"]["width"], row["fields"]["height"]), "white").save(path)


def upgrade_and_read(release, historical_apps, connection, client):
    releases.load(connection, historical_apps, release["objects"])

    call_command("migrate", interactive=False, verbosity=0)
    releases.forget_cached_rows()
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []

    bookings_are_kept(release)
    matters_are_kept(release)
    street_index_is_kept(release, client)
    accounts_sign_in(release, client)
    search_and_sitemap_work(client)


def bookings_are_kept(release):
    old = by_pk(releases.rows(release, *BOOKING_LABELS))
    assert old, "the release's demo has bookings"
    kept = {booking.pk: booking for booking in Booking.objects.all()}
    assert set(kept) == set(old)
    for pk, fields in old.items():
        booking = kept[pk]
        assert (booking.code, booking.status, booking.slot_id, booking.user_id, booking.dependant_id, booking.note) == (
            fields["code"],
            fields["status"],
            fields["slot"],
            fields["user"],
            fields.get("dependant"),
            fields["note"],
        ), booking.code
        assert (booking.order_id, booking.line_id) == (fields["order"], fields["line"]), booking.code
    # Orders and their lines, which the booking's receipt and payment hang on.
    assert dict(Order.objects.values_list("pk", "number")) == {
        pk: fields["number"] for pk, fields in by_pk(releases.rows(release, "order.order")).items()
    }
    assert Line.objects.count() == len(releases.rows(release, "order.line"))
    # The places taken: the capacity rule counts on num_booked.
    assert dict(Slot.objects.values_list("pk", "num_booked")) == {
        pk: fields["num_booked"] for pk, fields in by_pk(releases.rows(release, "partner.slot")).items()
    }
    # The content type moved with the model, so permissions and admin history still reach bookings.
    (old_type,) = [
        row["pk"]
        for row in releases.rows(release, "contenttypes.contenttype")
        if (row["fields"]["app_label"], row["fields"]["model"]) in {("order", "booking"), ("booking", "booking")}
    ]
    assert ContentType.objects.get_for_model(Booking).pk == old_type
    old_permissions = {
        row["pk"] for row in releases.rows(release, "auth.permission") if row["fields"]["content_type"] == old_type
    }
    assert old_permissions, "the release had the booking's permissions"
    assert set(Permission.objects.filter(content_type_id=old_type).values_list("pk", flat=True)) == old_permissions
    # Rows of other apps that point at a booking still reach it.
    rated = {fields["booking"]: pk for pk, fields in by_pk(releases.rows(release, "ratings.rating")).items()}
    assert rated, "the release's demo has rated visits"
    assert dict(Booking.objects.filter(rating__isnull=False).values_list("pk", "rating")) == rated


def matters_are_kept(release):
    old_cases = releases.rows(release, "ratings.followupcase")
    old_matters = by_pk(releases.rows(release, "matters.matter"))
    # Before matters existed, the follow-up cases of poor ratings were their own model: each is now a matter.
    assert old_cases or old_matters, "the release's demo has follow-up cases or matters"
    follow_ups = dict(Matter.objects.filter(kind="follow_up").values_list("rating_id", "status"))
    for case in old_cases:
        assert follow_ups[case["fields"]["rating"]] == case["fields"]["status"]
    kept = {matter.pk: matter for matter in Matter.objects.all()}
    assert set(old_matters) <= set(kept)
    for pk, fields in old_matters.items():
        matter = kept[pk]
        due_at = fields["due_at"] and parse_datetime(fields["due_at"])
        assert (
            matter.reference,
            matter.kind,
            matter.status,
            matter.applicant_id,
            matter.organisation_id,
            matter.due_at,
        ) == (
            fields["reference"],
            fields["kind"],
            fields["status"],
            fields["applicant"],
            fields["organisation"],
            due_at,
        ), fields["reference"]
        assert sorted(matter.bookings.values_list("pk", flat=True)) == sorted(fields.get("bookings", []))
    old_steps = Counter(row["fields"]["matter"] for row in releases.rows(release, "matters.matterstep"))
    steps = Counter(MatterStep.objects.filter(matter__in=old_matters).values_list("matter", flat=True))
    assert steps == old_steps


def street_index_is_kept(release, client):
    old_runs = by_pk(releases.rows(release, "streetindex.indexrun"))
    assert old_runs, "the release's demo computed the street index"
    old_figures = by_pk(releases.rows(release, "streetindex.indexfigure"))
    # Every period computed before publishing existed was public, and stays so.
    assert set(IndexRun.objects.values_list("pk", flat=True)) == set(old_runs)
    assert not IndexRun.objects.filter(published_at__isnull=True).exists()
    figures = {figure.pk: figure for figure in IndexFigure.objects.select_related("street")}
    assert set(figures) == set(old_figures)
    for pk, fields in old_figures.items():
        figure = figures[pk]
        score = None if fields["score"] is None else figure._meta.get_field("score").to_python(fields["score"])
        assert (figure.run_id, figure.level, figure.street_id, figure.score, figure.rank) == (
            fields["run"],
            fields["level"],
            fields["street"],
            score,
            fields["rank"],
        )
    for pk in old_runs:
        run = IndexRun.objects.get(pk=pk)
        label = Period(run.granularity, run.period_start, run.period_end).label
        assert readouts.run_for(label).pk == pk
        page = client.get("/index/", {"period": label})
        assert page.status_code == 200, label
        html = page.content.decode()
        for figure in run.figures.filter(level=IndexFigure.Level.STREET):
            assert figure.street.name in html, (label, figure.street.name)
            if figure.score is not None:
                assert str(figure.score) in html, (label, figure.street.name, figure.score)


def accounts_sign_in(release, client):
    resident = User.objects.get(email="resident@example.com")
    old_users = by_pk(releases.rows(release, "users.user"))
    assert resident.password == old_users[resident.pk]["password"]
    # The release hashed its passwords with the site's hashers, not the tests' fast one.
    with override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS):
        for email in ("admin@example.com", "tuodong-legal@example.com", "resident-001@example.com"):
            assert User.objects.get(email=email).check_password(PASSWORD), email
        response = client.post(
            LOGIN, {"login-username": resident.email, "login-password": PASSWORD, "login_submit": "1"}
        )
        assert response.status_code == 302 and response.wsgi_request.user.is_authenticated
    page = client.get("/shop/accounts/bookings/")
    assert page.status_code == 200
    old_bookings = by_pk(releases.rows(release, *BOOKING_LABELS)).values()
    codes = [fields["code"] for fields in old_bookings if fields["user"] == resident.pk]
    assert codes, "the demo resident has bookings"
    for code in codes:
        assert client.get(f"/shop/accounts/bookings/{code}/").status_code == 200, code


def search_and_sitemap_work(client):
    call_command("rebuild_search_index", verbosity=0)
    assert client.get("/").status_code == 200
    service = get_model("catalogue", "Product").objects.filter(is_public=True).first()
    results = client.get("/search/", {"q": service.title})
    assert results.status_code == 200 and service.title in results.content.decode()
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200 and b"<loc>" in sitemap.content
