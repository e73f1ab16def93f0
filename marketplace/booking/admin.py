from django.contrib import admin

from marketplace.booking.models import WaitlistEntry


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    """Read-only: an offered entry holds one of its slot's places, so entries change only
    through ``marketplace.booking.waitlist`` (join, leave, accept, lapse), never by editing rows."""

    list_display = ["slot", "user", "status", "joined_at", "offer_expires_at", "booking"]
    list_filter = ["status"]
    search_fields = ["user__email", "user__name", "slot__offering__product__title", "slot__offering__partner__name"]
    list_select_related = ["slot__offering__product", "slot__offering__partner", "user", "booking"]
    date_hierarchy = "joined_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
