import oscar.apps.payment.apps as apps


class PaymentConfig(apps.PaymentConfig):
    name = "marketplace.payment"

    def ready(self):
        super().ready()
        from marketplace.booking import signals
        from marketplace.payment import facade

        # A paid booking cancelled (by the resident in time, or by the provider) is refunded in full.
        signals.booking_cancelled.connect(facade.refund_cancelled_booking, dispatch_uid="payment.refund_on_cancel")
