from django.contrib import admin
from oscar.apps.catalogue.admin import *
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
EligibilityRule = get_model("catalogue", "EligibilityRule")


class EligibilityRuleInline(admin.TabularInline):
    """Who may book the service, edited with it."""

    model = EligibilityRule
    extra = 0
    fields = ["kind", "min_age", "max_age", "street", "per_year", "group", "evidence"]


admin.site.unregister(Product)


@admin.register(Product)
class ServiceAdmin(ProductAdmin):  # noqa: F405
    inlines = [*ProductAdmin.inlines, EligibilityRuleInline]  # noqa: F405
