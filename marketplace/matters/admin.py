from django.contrib import admin

from marketplace.matters.models import Supervisor


@admin.register(Supervisor)
class SupervisorAdmin(admin.ModelAdmin):
    """Who supervises matters (督办): a street's supervisors, and the district's (no street)."""

    list_display = ["user", "street"]
    list_filter = ["street"]
    autocomplete_fields = ["user"]
    search_fields = ["user__name", "user__email"]
