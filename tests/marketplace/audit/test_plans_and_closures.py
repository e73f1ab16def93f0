"""Weekly plans changed in /django-admin/ are recorded as in the console; a closure's preview is a read."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace.audit.context import acting
from marketplace.audit.models import Access, Action
from marketplace.booking import services
from providers import plans
from providers.models import ScheduleRule
from tests.marketplace.audit.conftest import entries, seen
from tests.providers.test_plans import plan


def signed_in(user):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def admin_form(offering, **fields):
    return {
        "offering": offering.pk,
        "weekdays": ["0", "1", "2", "3", "4"],
        "opens_at": "09:00",
        "closes_at": "12:00",
        "breaks": "[]",
        "slot_minutes": "60",
        "capacity": "3",
        "counter_capacity": "0",
        "valid_from": timezone.localdate().isoformat(),
        "valid_to": "",
        "is_active": "on",
        **fields,
    }


def test_an_administrator_saving_and_deleting_a_plan_in_the_admin_is_recorded(admin_user, provider, offering):
    client = signed_in(admin_user)

    added = client.post(reverse("admin:partner_schedulerule_add"), admin_form(offering))
    rule = ScheduleRule.objects.get()
    changed = client.post(
        reverse("admin:partner_schedulerule_change", args=[rule.pk]), admin_form(offering, capacity="4")
    )
    deleted = client.post(reverse("admin:partner_schedulerule_delete", args=[rule.pk]), {"post": "yes"})

    assert added.status_code == changed.status_code == deleted.status_code == 302
    assert entries(provider=provider) == [
        ("plan_saved", "web", "staff"),
        ("plan_saved", "web", "staff"),
        ("plan_deleted", "web", "staff"),
    ]
    first, second, gone = Action.objects.filter(provider=provider)
    assert {entry.actor for entry in (first, second, gone)} == {admin_user}
    # The administrator works for no provider: named to residents as the platform's staff.
    assert {entry.organisation for entry in (first, second, gone)} == {None}
    assert (first.detail["plan"], first.detail["new"], second.detail["new"]) == (rule.pk, True, False)
    assert first.detail["slots_made"] > 0
    assert gone.detail["plan"] == rule.pk


def test_a_plan_saved_in_the_console_is_recorded_once(staff, provider, offering):
    with acting("console", user=staff):
        plans.save_plan(staff, provider, None, plan(offering))

    assert entries(provider=provider) == [("plan_saved", "console", "staff")]
    assert Action.objects.get().organisation == provider


def test_a_closures_preview_records_each_resident_it_shows(
    staff, provider, resident, other_resident, make_slot, offering
):
    slot = make_slot(offering, starts_in=timedelta(days=2))
    services.book(resident, slot.pk)
    services.book(other_resident, slot.pk)
    day = services.local_day(slot.starts_at).isoformat()

    response = signed_in(staff).post(
        f"/provider/{provider.pk}/closures/", {"starts_on": day, "ends_on": day, "reason": "停电"}
    )

    assert response.status_code == 200 and resident.masked_phone in response.content.decode()
    assert seen() == sorted(
        [("closure_preview", resident.pk, provider.pk), ("closure_preview", other_resident.pk, provider.pk)]
    )
    assert not Action.objects.filter(action="closure_created").exists()
    page = signed_in(resident).get(reverse("access-log")).content.decode()
    assert "Bookings a closure would cancel" in page


def test_a_preview_with_nothing_to_cancel_records_nothing(staff, provider, offering, make_slot):
    day = (timezone.localdate() + timedelta(days=3)).isoformat()

    response = signed_in(staff).post(
        f"/provider/{provider.pk}/closures/", {"starts_on": day, "ends_on": day, "reason": "停电"}
    )

    assert response.status_code == 200
    assert not Access.objects.exists()
