"""The index follows every change residents would notice, and time passing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from oscar.core.loading import get_model

from catalog.services import add_offering, create_service
from marketplace.booking import services as booking
from providers import closures, scheduling
from providers.models import ScheduleRule
from search import documents
from search.models import ServiceDocument, SuggestKey
from search.services import ServiceQuery, search_services
from tests.conftest import database_vendor, needs_postgres, race
from tests.marketplace.tasks_helpers import DATABASE_QUEUE, run_db_worker
from tests.search.conftest import open_slot

Product = get_model("catalogue", "Product")
Partner = get_model("partner", "Partner")


def titles(q="", **filters):
    return [hit.product.title for hit in search_services(ServiceQuery(q=q, **filters)).hits]


def next_slot(service):
    return ServiceDocument.objects.get(product=service).next_slot_at


def test_a_new_service_is_found_at_once(corpus):
    create_service("无障碍设施申请", corpus.categories["social"], summary="为残疾人家庭改造无障碍设施")

    assert titles("无障碍") == ["无障碍设施申请"]


def test_an_edited_title_is_found_by_the_new_words_only(corpus):
    service = corpus["书法培训班"]
    service.title = "国画培训班"
    service.save()

    assert titles("国画") == ["国画培训班"]
    assert titles("培训班") == ["国画培训班"]


def test_a_deleted_service_disappears(corpus):
    corpus["书法培训班"].delete()

    assert titles("书法") == []
    assert not ServiceDocument.objects.filter(title="书法培训班").exists()


def test_a_renamed_provider_is_found_by_its_new_name(corpus):
    library = corpus.providers["gulou-library"]
    library.name = "盘龙区少年儿童图书馆"
    library.save()

    assert sorted(titles("少年儿童图书馆")) == ["书法培训班", "少儿英语角 English Corner"]


def test_a_new_offering_puts_the_service_in_that_street(corpus):
    add_offering(corpus["书法培训班"], corpus.providers["tuodong-health"], Decimal("0"))

    assert "书法培训班" in titles(streets=("tuodong",))
    # And it now has a free offering.
    assert "书法培训班" in titles(free=True)


def test_a_recategorised_service_moves_between_sectors(corpus):
    service = corpus["书法培训班"]
    service.categories.set([corpus.categories["education"]])

    assert "书法培训班" in titles(categories=("education",))
    assert "书法培训班" not in titles(categories=("culture",))


def test_a_published_service_guide_makes_its_words_findable(corpus, home_page):
    from cms.models import SectorIndexPage, ServicePage

    sector_page = home_page.add_child(
        instance=SectorIndexPage(title="文化", slug="culture", category=corpus.categories["culture"])
    )
    page = sector_page.add_child(
        instance=ServicePage(
            title="书法培训班",
            slug="calligraphy",
            product=corpus["书法培训班"],
            guide=[("materials", [{"name": "宣纸和墨汁", "note": "需自备"}])],
        )
    )
    page.save_revision().publish()
    assert titles("宣纸") == ["书法培训班"]

    page.unpublish()
    assert titles("宣纸") == []


def test_the_next_open_slot_follows_bookings_and_cancellations(corpus, resident, django_capture_on_commit_callbacks):
    service = corpus["公证预约"]
    first = open_slot(service, starts_in=timedelta(days=1), capacity=1)
    second = open_slot(service, starts_in=timedelta(days=2), capacity=1)
    assert next_slot(service) == first.starts_at

    # A booking's change to the index is a background task, enqueued once the booking commits.
    with django_capture_on_commit_callbacks(execute=True):
        placed = booking.book(resident, first.pk)
    assert next_slot(service) == second.starts_at

    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel_booking(placed)
    assert next_slot(service) == first.starts_at


REFRESH = "search.tasks.refresh_availability"


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_only_a_booking_that_fills_the_next_open_slot_sends_the_index_work(corpus, make_user):
    service = corpus["公证预约"]
    first = open_slot(service, starts_in=timedelta(days=1), capacity=2)
    later = open_slot(service, starts_in=timedelta(days=2), capacity=1)
    residents = [make_user(email=f"r{number}@example.com", phone=f"1390000000{number}") for number in range(3)]

    # A place taken where others are left, or on a later slot, leaves the next open slot where it was.
    booking.book(residents[0], first.pk)
    booking.book(residents[1], later.pk)
    assert not DBTaskResult.objects.filter(task_path=REFRESH).exists()
    assert next_slot(service) == first.starts_at

    # The last place of the next open slot: the worker moves the index on, a moment after the commit.
    booking.book(residents[2], first.pk)
    (refresh,) = DBTaskResult.objects.filter(task_path=REFRESH)
    assert refresh.run_after > refresh.enqueued_at
    run_db_worker()
    assert next_slot(service) == first.starts_at  # not yet due
    DBTaskResult.objects.filter(pk=refresh.pk).update(run_after=timezone.now())  # the moment has passed
    run_db_worker()
    assert next_slot(service) is None  # the later slot is full as well


@needs_postgres
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_two_residents_taking_the_last_two_places_at_once_send_the_index_work_once(corpus, make_user):
    service = corpus["公证预约"]
    first = open_slot(service, starts_in=timedelta(days=1), capacity=2)
    residents = [make_user(email=f"r{number}@example.com", phone=f"1390000001{number}") for number in range(2)]
    answers = race([lambda resident=resident: booking.book(resident, first.pk).code for resident in residents])

    assert len(set(answers)) == 2  # both placed
    first.refresh_from_db()
    assert first.num_booked == 2
    # Whatever each read of the slot before, the one whose place was the last, and only it, sends the work.
    assert DBTaskResult.objects.filter(task_path=REFRESH).count() == 1


def test_a_closed_slot_is_no_longer_the_next_one(corpus, make_user):
    service = corpus["公证预约"]
    provider = corpus.providers["gulou-legal"]
    staff = make_user(email="staff@gulou.example", phone="13700000009")
    provider.users.add(staff)
    first = open_slot(service, starts_in=timedelta(days=1))
    second = open_slot(service, starts_in=timedelta(days=2))

    closures.close_slot(staff, first, "公证员外出培训")

    assert next_slot(service) == second.starts_at


def test_slots_generated_from_a_plan_make_a_service_available(corpus):
    service = corpus["书法培训班"]
    assert titles(available_within_days=14) == []

    ScheduleRule.objects.create(
        offering=service.stockrecords.get(),
        weekdays=127,
        opens_at="09:00",
        closes_at="10:00",
        slot_minutes=30,
        capacity=3,
        valid_from=timezone.localdate(),
    )
    scheduling.generate_slots(days=14)

    assert titles(available_within_days=14) == ["书法培训班"]


def test_time_passing_moves_a_service_to_its_next_slot(corpus):
    service = corpus["公证预约"]
    first = open_slot(service, starts_in=timedelta(hours=1))
    second = open_slot(service, starts_in=timedelta(days=3))

    later = timezone.now() + timedelta(hours=2)
    found = search_services(ServiceQuery(q="公证"), now=later).hits[0].product

    assert found.next_slot_at == second.starts_at
    assert next_slot(service) == second.starts_at
    assert first.starts_at < later


def test_a_service_whose_last_slot_began_is_no_longer_available(corpus):
    service = corpus["公证预约"]
    open_slot(service, starts_in=timedelta(hours=1))
    later = timezone.now() + timedelta(hours=2)

    assert search_services(ServiceQuery(available_within_days=7), now=later).count == 0
    assert next_slot(service) is None


def test_rebuild_command_indexes_everything_and_drops_what_is_gone(corpus):
    ServiceDocument.objects.all().delete()
    assert titles("法律") == []

    call_command("rebuild_search_index", verbosity=0)

    assert ServiceDocument.objects.count() == 12
    assert "免费法律咨询" in titles("法律")


def test_a_failed_change_leaves_the_index_as_it_was(corpus):
    from django.db import transaction

    service = corpus["书法培训班"]
    try:
        with transaction.atomic():
            service.title = "国画培训班"
            service.save()
            raise RuntimeError("the editor's save failed further on")
    except RuntimeError:
        pass

    assert titles("书法培训") == ["书法培训班"]
    assert titles("国画") == []


def test_reindexing_many_services_drops_their_old_suggestions_in_one_statement(sector):
    services = [create_service(f"社区法律咨询第{number}场", sector) for number in range(30)]
    keys = SuggestKey.objects.filter(document__product__in=services).count()
    assert keys > 300  # characters, pinyin and initials of each title: more than a delete takes at once

    with CaptureQueriesContext(connection) as captured:
        documents.save([service.pk for service in services])

    statements = [query["sql"] for query in captured if "sitesearch_suggestkey" in query["sql"]]
    # Django fetches and deletes row by row (100 at a time) whenever anything listens to every delete.
    assert [sql.split()[0] for sql in statements if not sql.startswith("INSERT")] == ["DELETE"]
    assert SuggestKey.objects.filter(document__product__in=services).count() == keys


@pytest.mark.skipif(database_vendor() != "postgresql", reason="the text indexes' pending lists are PostgreSQL's")
def test_words_written_since_the_last_vacuum_cost_a_search_at_most_a_short_pending_list(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s) ORDER BY relname",
            [["sitesearch_document_vector", "sitesearch_title_vector"]],
        )
        options = cursor.fetchall()
    assert options == [
        ("sitesearch_document_vector", ["gin_pending_list_limit=256"]),
        ("sitesearch_title_vector", ["gin_pending_list_limit=256"]),
    ]


@pytest.mark.skipif(database_vendor() != "postgresql", reason="PostgreSQL reads titles by length")
def test_the_title_length_index_holds_the_titles_words_and_facets_so_a_relevance_page_reads_no_table_row(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'sitesearch_servicedocument'")
        definitions = [row[0] for row in cursor.fetchall()]
    ordered = [definition for definition in definitions if "length((title)::text)" in definition]
    assert len(ordered) == 1
    included = "title, title_vector, is_free, mode, categories, streets, communities"
    assert ordered[0].endswith(f"(length((title)::text), popularity DESC, product_id) INCLUDE ({included})")
