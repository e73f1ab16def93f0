from django.contrib import admin

from marketplace.grid.models import Grid, GridWorker


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ("__str__", "community", "number")
    list_filter = ("community__street", "community")
    search_fields = ("name", "community__name", "buildings")
    ordering = ("community", "number")


@admin.register(GridWorker)
class GridWorkerAdmin(admin.ModelAdmin):
    list_display = ("__str__", "is_active")
    list_filter = ("is_active", "grids__community")
    filter_horizontal = ("grids",)
    raw_id_fields = ("user",)
    search_fields = ("user__name", "user__email")
