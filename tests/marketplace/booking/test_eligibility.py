"""Who may book what: a service's eligibility rules, on every door, for residents and dependants alike."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.audit.models import Action
from marketplace.booking import reschedule, services
from marketplace.booking.models import Booking
from marketplace.booking.rules import local_day
from marketplace.users.models import Dependant
from providers.models import Community, Street
from tests.marketplace.api.conftest import API, authorised_client

EligibilityRule = get_model("catalogue", "EligibilityRule")
ZONE = timezone.get_default_timezone()


@pytest.fixture
def midyear():
    """10:00 on 10 June (Asia/Shanghai) of a year to come: a week's slots stay inside one calendar year."""
    with time_machine.travel(datetime(2030, 6, 10, 10, tzinfo=ZONE), tick=True) as traveller:
        yield traveller


def slot_on(make_slot, offering, days, hour=10):
    """A slot ``days`` local days from today at ``hour``."""
    now = timezone.now()
    day = local_day(now) + timedelta(days=days)
    return make_slot(offering, starts_in=datetime.combine(day, time(hour), tzinfo=ZONE) - now)


def years_before(day, years):
    return day.replace(year=day.year - years)


def rule(service, kind, **params):
    return EligibilityRule.objects.create(service=service, kind=kind, **params)


def refused_rule(call):
    with pytest.raises(services.NotEligible) as refused:
        call()
    return refused.value.rule


# Age


def test_age_is_judged_on_the_day_of_the_visit_the_birthday_included(midyear, resident, service, offering, make_slot):
    rule(service, "age", min_age=65)
    slot = slot_on(make_slot, offering, 2)
    visit_day = local_day(slot.starts_at)
    resident.birth_date = years_before(visit_day, 65) + timedelta(days=1)  # 65 the day after
    resident.save()

    assert refused_rule(lambda: services.book(resident, slot.pk)) == "age"
    assert not Booking.objects.exists()

    resident.birth_date = years_before(visit_day, 65)  # 65 on the day
    resident.save()
    assert services.book(resident, slot.pk).status == Booking.Status.BOOKED


def test_a_maximum_age_lets_in_the_last_year_and_not_the_day_after(midyear, resident, service, offering, make_slot):
    rule(service, "age", max_age=6)
    slot = slot_on(make_slot, offering, 2)
    visit_day = local_day(slot.starts_at)
    resident.birth_date = years_before(visit_day, 7)  # 7 on the day
    resident.save()
    assert refused_rule(lambda: services.book(resident, slot.pk)) == "age"

    resident.birth_date = years_before(visit_day, 7) + timedelta(days=1)
    resident.save()
    services.book(resident, slot.pk)


def test_an_unknown_birth_date_is_refused_with_what_to_do(midyear, resident, service, offering, make_slot):
    rule(service, "age", min_age=65)
    slot = slot_on(make_slot, offering, 2)

    with pytest.raises(services.NotEligible) as refused:
        services.book(resident, slot.pk)
    assert refused.value.rule == "age"
    assert "出生日期" in refused.value.message and "个人资料" in refused.value.message


def test_a_dependant_is_judged_on_their_own_data(midyear, resident, service, offering, make_slot):
    rule(service, "age", min_age=65)
    slot = slot_on(make_slot, offering, 2)
    resident.birth_date = date(1990, 1, 1)
    resident.save()
    mother = Dependant.objects.create(owner=resident, name="张母", relation="parent", birth_date=date(1950, 3, 1))

    assert services.book(resident, slot.pk, dependant=mother.pk).dependant == mother
    assert refused_rule(lambda: services.book(resident, slot.pk)) == "age"

    child = Dependant.objects.create(owner=resident, name="张小", relation="child", birth_date=date(2020, 3, 1))
    assert refused_rule(lambda: services.book(resident, slot.pk, dependant=child.pk)) == "age"


# Residence


@pytest.fixture
def other_street_community(db):
    street = Street.objects.create(name="鼓楼街道", slug="gulou", position=2)
    return Community.objects.create(street=street, name="青云社区", slug="gulou-qingyun")


def test_residence_in_the_district_needs_a_recorded_community(resident, service, slot, community):
    rule(service, "residence")
    with pytest.raises(services.NotEligible) as refused:
        services.book(resident, slot.pk)
    assert refused.value.rule == "residence"
    assert "居住社区" in refused.value.message

    resident.home_community = community
    resident.save()
    services.book(resident, slot.pk)


def test_residence_in_a_street_refuses_another_street(
    resident, service, slot, street, community, other_street_community
):
    rule(service, "residence", street=street)
    resident.home_community = other_street_community
    resident.save()
    assert refused_rule(lambda: services.book(resident, slot.pk)) == "residence"

    resident.home_community = community
    resident.save()
    services.book(resident, slot.pk)


# Per year


def test_a_visit_already_made_counts_and_a_cancelled_booking_does_not(midyear, resident, service, offering, make_slot):
    rule(service, "per_year", per_year=1)
    visit = services.book(resident, slot_on(make_slot, offering, 1).pk)
    Booking.objects.filter(pk=visit.pk).update(status=Booking.Status.CHECKED_IN)

    later = slot_on(make_slot, offering, 5)
    with pytest.raises(services.NotEligible) as refused:
        services.book(resident, later.pk)
    assert refused.value.rule == "per_year"
    assert "2030" in refused.value.message

    Booking.objects.filter(pk=visit.pk).update(status=Booking.Status.CANCELLED)
    services.book(resident, later.pk)


def test_a_no_show_does_not_count(midyear, resident, service, offering, make_slot):
    rule(service, "per_year", per_year=1)
    missed = services.book(resident, slot_on(make_slot, offering, 1).pk)
    Booking.objects.filter(pk=missed.pk).update(status=Booking.Status.NO_SHOW)
    services.book(resident, slot_on(make_slot, offering, 3).pk)


def test_the_year_is_the_calendar_year_in_shanghai(resident, service, offering, make_slot):
    rule(service, "per_year", per_year=1)
    with time_machine.travel(datetime(2030, 12, 29, 10, tzinfo=ZONE), tick=True):
        last_of_year = slot_on(make_slot, offering, 2, hour=23)  # 31 December, 23:00 in Shanghai
        first_of_next = slot_on(make_slot, offering, 3, hour=8)  # 1 January
        also_next = slot_on(make_slot, offering, 4)
        services.book(resident, last_of_year.pk)
        services.book(resident, first_of_next.pk)
        assert refused_rule(lambda: services.book(resident, also_next.pk)) == "per_year"


def test_each_person_has_their_own_yearly_count(midyear, resident, service, offering, make_slot):
    rule(service, "per_year", per_year=1)
    mother = Dependant.objects.create(owner=resident, name="张母", relation="parent")
    services.book(resident, slot_on(make_slot, offering, 1).pk)
    services.book(resident, slot_on(make_slot, offering, 2).pk, dependant=mother.pk)
    assert refused_rule(lambda: services.book(resident, slot_on(make_slot, offering, 3).pk, dependant=mother.pk)) == (
        "per_year"
    )


# Group


def test_a_group_must_be_declared_and_the_evidence_travels_with_the_booking(resident, service, offering, make_slot):
    rule(service, "group", group="低保", evidence="低保证")
    rule(service, "group", group="特困", evidence="特困人员救助供养证")
    slot = make_slot(offering)

    with pytest.raises(services.NotEligible) as refused:
        services.book(resident, slot.pk)
    assert refused.value.rule == "group"
    assert "低保" in refused.value.message and "特困" in refused.value.message
    assert refused_rule(lambda: services.book(resident, slot.pk, declared_group="残疾人")) == "group"

    booking = services.book(resident, slot.pk, declared_group="特困")
    assert (booking.declared_group, booking.evidence) == ("特困", "特困人员救助供养证")


# Rescheduling


def test_moving_a_booking_is_judged_again_without_counting_itself(midyear, resident, service, offering, make_slot):
    rule(service, "per_year", per_year=1)
    rule(service, "age", max_age=70)
    birthday = local_day(timezone.now()) + timedelta(days=4)
    resident.birth_date = years_before(birthday, 71)
    resident.save()
    # The yearly count holds this booking: moving it does not count it twice.
    booking = services.book(resident, slot_on(make_slot, offering, 2).pk)

    before_birthday = slot_on(make_slot, offering, 3)
    moved = reschedule.reschedule(resident, booking.code, before_birthday.pk)
    assert moved.slot == before_birthday

    after_birthday = slot_on(make_slot, offering, 5)
    with pytest.raises(services.NotEligible) as refused:
        reschedule.reschedule(resident, booking.code, after_birthday.pk)
    assert refused.value.rule == "age"
    booking.refresh_from_db()
    assert booking.slot == before_birthday


# The API


def test_the_api_answers_409_not_eligible_naming_the_rule(midyear, resident, service, offering, make_slot):
    rule(service, "per_year", per_year=1)
    services.book(resident, slot_on(make_slot, offering, 1).pk)
    later = slot_on(make_slot, offering, 3)

    response = authorised_client(resident).post(f"{API}/bookings", {"slot": later.pk}, content_type="application/json")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "not_eligible" and body["rule"] == "per_year" and body["detail"]
    assert Booking.objects.count() == 1


def test_the_api_takes_the_declared_group(resident, service, slot):
    rule(service, "group", group="低保", evidence="低保证")
    client = authorised_client(resident)

    refused = client.post(f"{API}/bookings", {"slot": slot.pk}, content_type="application/json")
    assert (refused.status_code, refused.json()["rule"]) == (409, "group")

    booked = client.post(f"{API}/bookings", {"slot": slot.pk, "group": "低保"}, content_type="application/json")
    assert booked.status_code == 201
    assert Booking.objects.get().evidence == "低保证"


# The counter: a clerk may override, with a reason, and the record says so


def test_a_clerk_overrides_a_refusal_with_a_reason_and_the_history_names_it(resident, staff, service, slot):
    rule(service, "age", min_age=65)
    with pytest.raises(services.NotEligible):
        services.book_at_counter(staff, slot.pk, resident, consent=True)
    with pytest.raises(services.ReasonMissing):
        services.book_at_counter(staff, slot.pk, resident, consent=True, override_reason="  ")
    assert not Booking.objects.exists()

    booking = services.book_at_counter(
        staff, slot.pk, resident, consent=True, override_reason="户口本显示已满65岁，系统未登记"
    )

    entry = Action.objects.get(booking_code=booking.code, action=Action.Code.RULES_OVERRIDDEN)
    assert entry.detail["rules"] == ["age"] and "户口本" in entry.detail["reason"]


def test_an_override_does_not_open_other_doors(resident, service, slot):
    rule(service, "age", min_age=65)
    # Only the counter's path takes a reason; an online booking is judged by the rules alone.
    with pytest.raises(services.NotEligible):
        services.ensure_bookable(resident, slot, declared_group="", override_reason="因为")


def test_the_contract_describes_the_rule_and_the_group(client):
    document = client.get(f"{API}/openapi.json").json()
    operation = document["paths"]["/api/v1/bookings"]["post"]
    refused = operation["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    schemas = document["components"]["schemas"]
    assert "rule" in schemas[refused]["properties"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "group" in schemas[body]["properties"]


# The waiting list


def test_the_waiting_list_of_a_full_slot_is_only_for_people_the_rules_allow(
    resident, other_resident, service, offering, make_slot
):
    from marketplace.booking import waitlist

    slot = make_slot(offering, capacity=1)
    services.book(other_resident, slot.pk)
    rule(service, "age", min_age=65)

    with pytest.raises(services.NotEligible) as refused:
        waitlist.join(resident, slot.pk)
    assert refused.value.rule == "age"

    resident.birth_date = date(1950, 1, 1)
    resident.save()
    assert waitlist.position_of(waitlist.join(resident, slot.pk)) == 1


# What judging costs


def rules_read(queries):
    """The queries that read a service's rules (the booking's own slot query only asks whether there are any)."""
    column = f'"{EligibilityRule._meta.db_table}"."service_id"'
    return [query["sql"] for query in queries if column in query["sql"]]


def booking_counts(queries):
    table = f'FROM "{Booking._meta.db_table}"'
    return [query["sql"] for query in queries if query["sql"].startswith("SELECT COUNT(*)") and table in query["sql"]]


def test_booking_a_service_without_rules_does_not_read_rules(resident, service, slot):
    with CaptureQueriesContext(connection) as queries:
        services.book(resident, slot.pk)

    assert rules_read(queries) == []


def test_booking_a_service_with_rules_reads_them(midyear, resident, service, offering, make_slot):
    rule(service, "per_year", per_year=3)
    with CaptureQueriesContext(connection) as queries:
        services.book(resident, slot_on(make_slot, offering, 1).pk)

    assert len(rules_read(queries)) == 1


def test_a_refusal_for_the_yearly_limit_counts_the_bookings_once(midyear, resident, service, offering, make_slot):
    rule(service, "per_year", per_year=1)
    services.book(resident, slot_on(make_slot, offering, 1).pk)
    later = slot_on(make_slot, offering, 5)

    with CaptureQueriesContext(connection) as queries, pytest.raises(services.NotEligible):
        services.book(resident, later.pk)

    counts = booking_counts(queries)
    assert counts and len(counts) == len(set(counts))  # each count asked once, the yearly one among them
