"""Console: weekly plans and the day's slots; thin views over ``providers.plans``."""

from collections import defaultdict
from datetime import timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.booking.services import local_day
from providers import closures, plans
from providers.console import reads
from providers.console.access import console_view
from providers.console.forms import ScheduleRuleForm, SlotCapacityForm
from providers.console.navigation import chosen_day, day_url


def _show_errors(form, error):
    for field, field_errors in error.errors.items():
        form.add_error(field if field in form.fields else None, field_errors)


@console_view
def rules(request, provider):
    per_offering = defaultdict(list)
    for rule in plans.rules_of(provider):
        rule.summary = plans.describe_plan(rule)
        rule.validity = plans.describe_validity(rule)
        per_offering[rule.offering_id].append(rule)
    offerings = [(offering, per_offering[offering.pk]) for offering in reads.offerings_of(provider)]
    return render(request, "providers/schedule_rule_list.html", {"provider": provider, "offerings": offerings})


def _rule_form(request, provider, rule):
    offerings = reads.offerings_of(provider)
    if request.method == "POST":
        form = ScheduleRuleForm(request.POST, offerings=offerings)
        if form.is_valid():
            try:
                saved = plans.save_plan(request.user, provider, rule, form.cleaned_data)
            except plans.PlanError as error:
                _show_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Weekly plan saved. Slots updated: %(created)d created, %(removed)d removed.")
                    % {"created": saved.created, "removed": saved.removed},
                )
                return redirect("provider:rules", partner_id=provider.pk)
    else:
        initial = {"offering": request.GET.get("offering")} if rule is None else None
        form = ScheduleRuleForm(offerings=offerings, rule=rule, initial=initial)
    return render(request, "providers/schedule_rule_form.html", {"provider": provider, "form": form, "rule": rule})


@console_view(methods=["GET", "POST"])
def rule_new(request, provider):
    return _rule_form(request, provider, None)


@console_view(methods=["GET", "POST"])
def rule_edit(request, provider, rule_id):
    return _rule_form(request, provider, get_object_or_404(plans.rules_of(provider), pk=rule_id))


@console_view(methods=["GET", "POST"])
def rule_delete(request, provider, rule_id):
    """GET asks for confirmation; POST deletes."""
    rule = get_object_or_404(plans.rules_of(provider), pk=rule_id)
    if request.method == "POST":
        try:
            removed = plans.delete_plan(request.user, provider, rule)
        except plans.PlanError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Weekly plan deleted: %(removed)d free slots removed; booked slots are kept.") % {"removed": removed},
            )
        return redirect("provider:rules", partner_id=provider.pk)
    rule.summary = plans.describe_plan(rule)
    rule.validity = plans.describe_validity(rule)
    return render(request, "providers/schedule_rule_delete.html", {"provider": provider, "rule": rule})


@console_view
def slots(request, provider):
    form, day, offering = chosen_day(provider, request.GET)
    now = timezone.now()
    day_slots = list(plans.day_slots(provider, day, offering))
    for slot in day_slots:
        slot.is_over = plans.slot_is_over(slot, now)
        slot.can_close = slot.is_open and closures.slot_can_close(slot, now)
    here = day_url("provider:slots", provider, day, offering)
    context = {
        "provider": provider,
        "form": form,
        "day": day,
        "offering": offering,
        "slots": day_slots,
        "here": here,
        "previous_url": day_url("provider:slots", provider, day - timedelta(days=1), offering),
        "next_url": day_url("provider:slots", provider, day + timedelta(days=1), offering),
        "day_url": day_url("provider:day", provider, day, offering),
    }
    return render(request, "providers/slot_list.html", context)


@console_view(methods=["GET", "POST"])
def slot_edit(request, provider, slot_id):
    slot = get_object_or_404(plans.slots_of(provider).select_related("offering__product"), pk=slot_id)
    back = day_url("provider:slots", provider, local_day(slot.starts_at))
    if request.method == "POST":
        form = SlotCapacityForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                slot = plans.set_slot_capacity(request.user, slot, data["capacity"], data["counter_capacity"])
            except plans.PlanError as error:
                _show_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Places of %(slot)s changed to: %(places)s.")
                    % {"slot": plans.slot_label(slot), "places": plans.describe_places(slot)},
                )
                return redirect(back)
    else:
        form = SlotCapacityForm(initial={"capacity": slot.capacity, "counter_capacity": slot.counter_capacity})
    context = {
        "provider": provider,
        "slot": slot,
        "label": plans.slot_label(slot),
        "form": form,
        "back": back,
        "is_over": plans.slot_is_over(slot),
    }
    return render(request, "providers/slot_form.html", context)
