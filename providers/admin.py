from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.admin import *

from providers import scheduling
from providers.models import WEEKDAY_CHOICES, CalendarDay, Closure, ScheduleRule


class ScheduleRuleForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("days of the week"), choices=WEEKDAY_CHOICES, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ScheduleRule
        fields = [
            "offering",
            "weekdays",
            "opens_at",
            "closes_at",
            "breaks",
            "slot_minutes",
            "capacity",
            "counter_capacity",
            "valid_from",
            "valid_to",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mask = self.initial.get("weekdays")
        if isinstance(mask, int):
            self.initial["weekdays"] = [day for day, _name in WEEKDAY_CHOICES if mask & (1 << day)]

    def clean_weekdays(self):
        return ScheduleRule.weekday_mask(self.cleaned_data["weekdays"])


@admin.register(ScheduleRule)
class ScheduleRuleAdmin(admin.ModelAdmin):
    form = ScheduleRuleForm
    list_display = [
        "offering",
        "opens_at",
        "closes_at",
        "slot_minutes",
        "capacity",
        "valid_from",
        "valid_to",
        "is_active",
    ]
    list_filter = ["is_active", "offering__partner"]
    search_fields = ["offering__product__title", "offering__partner__name"]
    raw_id_fields = ["offering"]

    def save_model(self, request, obj, form, change):
        created, removed = scheduling.save_rule(obj)
        self.message_user(
            request,
            _("Slots updated: %(created)d created, %(removed)d removed.") % {"created": created, "removed": removed},
        )

    def delete_model(self, request, obj):
        scheduling.delete_rule(obj)

    def delete_queryset(self, request, queryset):
        for rule in queryset:
            scheduling.delete_rule(rule)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "works_as_weekday", "name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    """Read-only: closing cancels bookings and tells residents, and lifting reopens slots,
    so both happen in the provider console (``providers.closures``), never by editing rows."""

    list_display = ["partner", "offering", "starts_on", "ends_on", "reason", "created_by", "created_at"]
    list_filter = ["partner"]
    search_fields = ["reason", "partner__name", "offering__product__title"]
    date_hierarchy = "starts_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
