from django import template

from marketplace.payment import facade

register = template.Library()


@register.simple_tag
def booking_payment(booking):
    """The booking's payment, as the API shows it: ``{"status", "pay_url"}``."""
    status, pay_url = facade.payment_state(booking)
    return {"status": status, "pay_url": pay_url}
