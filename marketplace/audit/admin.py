"""Administrators read and filter the record; nobody adds, changes or deletes an entry, superusers included."""

from django.contrib import admin

from marketplace.audit.models import Access, Action


class ReadOnly(admin.ModelAdmin):
    date_hierarchy = "at"
    list_per_page = 100
    show_full_result_count = False  # the record grows without end: no COUNT(*) of all of it per page

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(Action)
class ActionAdmin(ReadOnly):
    list_display = ("at", "action", "booking_code", "person", "provider", "actor_kind", "organisation", "door")
    list_filter = (
        "action",
        "door",
        "actor_kind",
        ("provider", admin.RelatedOnlyFieldListFilter),
        ("person", admin.RelatedOnlyFieldListFilter),
        ("at", admin.DateFieldListFilter),
    )
    search_fields = ("=booking_code", "person__email", "person__name")
    list_select_related = ("person", "provider", "organisation")
    raw_id_fields = ("actor", "person", "provider", "organisation")


@admin.register(Access)
class AccessAdmin(ReadOnly):
    list_display = ("at", "what", "person", "organisation", "viewer", "booking_code")
    list_filter = (
        "what",
        ("organisation", admin.RelatedOnlyFieldListFilter),
        ("person", admin.RelatedOnlyFieldListFilter),
        ("at", admin.DateFieldListFilter),
    )
    search_fields = ("=booking_code", "person__email", "person__name")
    list_select_related = ("person", "organisation", "viewer")
    raw_id_fields = ("viewer", "person", "organisation")
