from django.contrib import admin

from marketplace.notifications.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Read-only: a record of what residents were sent, and what failed."""

    list_display = ["created_at", "kind", "channel", "status", "booking", "user", "sent_at"]
    list_filter = ["kind", "channel", "status"]
    search_fields = ["booking__code", "key"]
    raw_id_fields = ["user", "booking"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
