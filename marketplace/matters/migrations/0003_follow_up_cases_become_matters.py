"""The follow-up cases of poor ratings (``ratings.FollowUpCase``) become matters of kind ``follow_up``.

Each case becomes one matter (HF-<year>-<n>, numbered by the year it opened in, in the order the
cases opened) with its timeline: opened by the system, the provider's answer, and the resident's
word or the lapse. Where the case stands decides whom the matter waits for and until when, as
``marketplace.matters.services`` would have set it, the deadlines now in working days of the
official calendar. ``ratings`` then deletes the model (its migration 0004).

Going back makes the cases again from the matters and removes those matters.
"""

from datetime import timedelta

from django.conf import settings
from django.db import migrations

from marketplace.matters import workdays

PREFIX = "HF"
CLOSED = ("resolved", "unresolved", "lapsed")
# The status a case stands in: whom it waits for, and the setting holding its working days.
WAITS = {"open": ("staff", "FOLLOW_UP_ANSWER_DAYS"), "answered": ("applicant", "FOLLOW_UP_CONFIRM_DAYS")}


def _deadline(CalendarDay, start, days):
    first = workdays.local_day(start)
    last = first + timedelta(days=days * 2 + workdays.SLACK_DAYS)
    calendar = {day.date: day.kind for day in CalendarDay.objects.filter(date__gte=first, date__lte=last)}
    return workdays.end_of(workdays.nth_working_day_after(first, days, calendar))


def _reference(ReferenceCounter, opened_at):
    year = workdays.local_day(opened_at).year
    counter, _created = ReferenceCounter.objects.get_or_create(prefix=PREFIX, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{PREFIX}-{year}-{counter.last:06d}"


def cases_to_matters(apps, schema_editor):
    FollowUpCase = apps.get_model("ratings", "FollowUpCase")
    Matter = apps.get_model("matters", "Matter")
    MatterStep = apps.get_model("matters", "MatterStep")
    ReferenceCounter = apps.get_model("matters", "ReferenceCounter")
    CalendarDay = apps.get_model("partner", "CalendarDay")
    cases = FollowUpCase.objects.select_related("rating__booking__slot__offering").order_by("opened_at", "pk")
    for case in cases.iterator():
        booking = case.rating.booking
        organisation_id = booking.slot.offering.partner_id
        status = case.status
        waits_for, days = WAITS.get(status, ("", None))
        since = {"open": case.opened_at, "answered": case.answered_at}.get(status, case.closed_at)
        since = since or case.opened_at
        matter = Matter.objects.create(
            reference=_reference(ReferenceCounter, case.opened_at),
            kind="follow_up",
            status=status,
            waits_for=waits_for,
            channel="system",
            applicant_id=booking.user_id,
            dependant_id=booking.dependant_id,
            organisation_id=organisation_id,
            text=case.rating.comment,
            rating_id=case.rating_id,
            submitted_at=case.opened_at,
            status_since=since,
            due_at=_deadline(CalendarDay, since, getattr(settings, days)) if days else None,
            closed_at=(case.closed_at or since) if status in CLOSED else None,
        )
        matter.bookings.add(booking)
        steps = [MatterStep(matter=matter, at=case.opened_at, action="submitted", status="open", actor_kind="system")]
        if case.answered_at is not None:
            steps.append(
                MatterStep(
                    matter=matter,
                    at=case.answered_at,
                    action="answer",
                    status="answered",
                    actor_id=case.answered_by_id,
                    actor_kind="staff",
                    organisation_id=organisation_id,
                    text=case.answer,
                )
            )
        if status in CLOSED:
            by_resident = status != "lapsed"
            steps.append(
                MatterStep(
                    matter=matter,
                    at=matter.closed_at,
                    action=status if by_resident else "lapse",
                    status=status,
                    actor_id=booking.user_id if by_resident else None,
                    actor_kind="applicant" if by_resident else "system",
                    text=case.resident_note,
                )
            )
        MatterStep.objects.bulk_create(steps)


def matters_to_cases(apps, schema_editor):
    FollowUpCase = apps.get_model("ratings", "FollowUpCase")
    Matter = apps.get_model("matters", "Matter")
    follow_ups = Matter.objects.filter(kind="follow_up", rating__isnull=False)
    for matter in follow_ups.order_by("submitted_at", "pk").iterator():
        steps = {step.action: step for step in matter.steps.order_by("at", "pk")}
        answer = steps.get("answer")
        closing = steps.get("resolved") or steps.get("unresolved") or steps.get("lapse")
        FollowUpCase.objects.create(
            rating_id=matter.rating_id,
            status=matter.status,
            opened_at=matter.submitted_at,
            answer=answer.text if answer else "",
            answered_at=answer.at if answer else None,
            answered_by_id=answer.actor_id if answer else None,
            resident_note=(closing.text if closing else "")[:500],
            closed_at=matter.closed_at,
        )
    follow_ups.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("matters", "0002_matter_queue_idx_in_queue_order"),
        ("ratings", "0003_ratings_kept"),
        ("partner", "0014_provider_staff_leave_the_dashboard"),
    ]

    operations = [migrations.RunPython(cases_to_matters, matters_to_cases)]
