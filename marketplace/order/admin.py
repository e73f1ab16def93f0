from oscar.apps.order.admin import *  # noqa: F403
from oscar.apps.order.admin import LineAdmin, LineInline, OrderAdmin

# An order and its lines follow their booking (marketplace.booking.services.follow_booking): a status
# typed in here beside the booking would leave check-in and cancelling unable to move the order on.


class BookingLineInline(LineInline):
    readonly_fields = ("status",)


class BookingOrderAdmin(OrderAdmin):
    readonly_fields = (*OrderAdmin.readonly_fields, "status")
    inlines = [BookingLineInline]


class BookingLineAdmin(LineAdmin):
    readonly_fields = ("status",)


for model, model_admin in ((Order, BookingOrderAdmin), (Line, BookingLineAdmin)):  # noqa: F405
    admin.site.unregister(model)  # noqa: F405
    admin.site.register(model, model_admin)  # noqa: F405
