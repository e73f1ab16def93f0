from django.contrib import admin
from oscar.apps.payment.admin import *  # noqa: F403

from marketplace.payment.models import GatewayPayment, GatewayRefund


class RefundInline(admin.TabularInline):
    model = GatewayRefund
    extra = 0
    can_delete = False
    readonly_fields = [
        "amount",
        "reason",
        "status",
        "gateway_id",
        "attempts",
        "last_error",
        "created_at",
        "refunded_at",
    ]
    exclude = ["idempotency_key"]


@admin.register(GatewayPayment)
class GatewayPaymentAdmin(admin.ModelAdmin):
    list_display = ["reference", "booking", "amount", "currency", "status", "created_at", "paid_at"]
    list_filter = ["status"]
    search_fields = ["reference", "gateway_id", "booking__code"]
    readonly_fields = [field.name for field in GatewayPayment._meta.fields]
    inlines = [RefundInline]


@admin.register(GatewayRefund)
class GatewayRefundAdmin(admin.ModelAdmin):
    list_display = ["payment", "amount", "status", "attempts", "last_error", "created_at", "refunded_at"]
    list_filter = ["status"]
    search_fields = ["payment__reference", "payment__booking__code"]
    readonly_fields = [field.name for field in GatewayRefund._meta.fields]
