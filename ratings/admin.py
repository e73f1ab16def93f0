from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ratings.models import Rating


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record to look things up in: ratings are made by residents, answered in the provider console and
    hidden on the moderation page (/ratings/moderate/), each through ``ratings.services``."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HiddenFilter(admin.SimpleListFilter):
    title = _("hidden")
    parameter_name = "hidden"

    def lookups(self, request, model_admin):
        return [("yes", _("Hidden")), ("no", _("Visible"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(hidden_at__isnull=self.value() == "no")
        return queryset


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "booking", "stars", "provider", "service", "replied_at", "hidden_at"]
    list_filter = ["stars", HiddenFilter, "created_at"]
    search_fields = ["booking__code"]
    list_select_related = ["booking__slot__offering__partner", "booking__slot__offering__product"]
    date_hierarchy = "created_at"

    @admin.display(description=_("provider"))
    def provider(self, rating):
        return rating.booking.slot.offering.partner.name

    @admin.display(description=_("service"))
    def service(self, rating):
        return rating.booking.slot.offering.product.title
