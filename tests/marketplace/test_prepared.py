"""A prepared query answers as its queryset would, with the values of each run."""

from datetime import UTC, timedelta
from decimal import Decimal

from django.db.models import BigIntegerField, DateTimeField, Min
from django.db.models.functions import TruncDate
from django.utils import timezone
from oscar.core.loading import get_model

from catalog.services import add_offering
from marketplace.prepared import Param, Prepared
from providers.models import Slot

StockRecord = get_model("partner", "StockRecord")
AFTER = Param("after", DateTimeField())


def test_each_run_binds_its_own_values(offering, make_slot):
    early, late = make_slot(offering, starts_in=timedelta(days=1)), make_slot(offering, starts_in=timedelta(days=3))
    starting_after = Prepared(lambda: Slot.objects.filter(starts_at__gt=AFTER).order_by("starts_at"))

    assert starting_after.objects(after=timezone.now()) == [early, late]
    assert starting_after.objects(after=early.starts_at) == [late]
    assert starting_after.objects(after=late.starts_at) == []


def test_instances_carry_the_annotations_and_the_values_of_the_queryset(offering, make_slot):
    make_slot(offering, capacity=4, num_booked=1)
    prepared = Prepared(lambda: Slot.objects.filter(starts_at__gt=AFTER).with_lapsed_holds(AFTER))

    (slot,) = prepared.objects(after=timezone.now())
    (expected,) = Slot.objects.filter(starts_at__gt=timezone.now()).with_lapsed_holds()
    assert (slot.starts_at, slot.remaining, slot.lapsed_holds) == (expected.starts_at, 3, 0)
    assert slot.starts_at.tzinfo is not None


def test_rows_are_converted_as_the_queryset_would(offering, make_slot):
    for days in (1, 1.1, 2):
        make_slot(offering, starts_in=timedelta(days=days))

    def by_day(after):
        return (
            Slot.objects.filter(starts_at__gt=after)
            .annotate(day=TruncDate("starts_at", tzinfo=timezone.get_current_timezone()))
            .order_by()
            .values_list("day")
            .annotate(first=Min("starts_at"))
            .order_by("day")
        )

    now = timezone.now()
    expected = [tuple(row) for row in by_day(now)]
    assert [tuple(row) for row in Prepared(lambda: by_day(AFTER)).rows(after=now)] == expected
    assert len(expected) >= 2


def test_a_date_of_the_local_calendar_follows_the_current_time_zone(offering, make_slot):
    # 20:00 in UTC is 04:00 of the next day in Kunming.
    at_eight_utc = (
        (timezone.now() + timedelta(days=1)).astimezone(UTC).replace(hour=20, minute=0, second=0, microsecond=0)
    )
    Slot.objects.create(
        offering=offering, starts_at=at_eight_utc, ends_at=at_eight_utc + timedelta(minutes=30), capacity=1
    )
    days = Prepared(
        lambda: (
            Slot.objects.filter(starts_at__gt=AFTER)
            .annotate(day=TruncDate("starts_at", tzinfo=timezone.get_current_timezone()))
            .values_list("day", flat=True)
        )
    )

    with timezone.override("UTC"):
        (in_utc,) = days.rows(after=timezone.now())
    with timezone.override("Asia/Shanghai"):
        (in_kunming,) = days.rows(after=timezone.now())
    assert in_utc[0] == at_eight_utc.date()
    assert in_kunming[0] == at_eight_utc.date() + timedelta(days=1)


def test_instances_come_with_their_related_instances(offering, other_provider, service, django_assert_num_queries):
    add_offering(service, other_provider, Decimal("0.00"))
    offerings = Prepared(
        lambda: (
            StockRecord.objects.filter(product_id=Param("service", BigIntegerField()))
            .select_related("partner")
            .order_by("partner__name")
        )
    )

    expected = StockRecord.objects.filter(product=service).select_related("partner").order_by("partner__name")
    with django_assert_num_queries(1):  # the providers come in the same query
        found = [(o.pk, o.partner.name, o.partner.address) for o in offerings.objects(service=service.pk)]
    assert found == [(o.pk, o.partner.name, o.partner.address) for o in expected]
    assert len(found) == 2
    assert offerings.objects(service=service.pk + 1000) == []
