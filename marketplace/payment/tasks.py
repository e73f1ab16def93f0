"""Refunds as background work: the gateway is asked by a worker, never inside the cancelling request."""

from marketplace.background import background_task
from marketplace.payment import facade


class RefundNotMade(Exception):
    """The gateway has not paid the refund back (yet): the task is tried again later."""


@background_task
def make_refund(refund_id):
    """Ask the gateway for a refund written down by a cancellation (same idempotency key on every try)."""
    if not facade.attempt_refund(refund_id):
        # The refund row keeps its last error; failing the task retries it after 1, 5 and 30 minutes,
        # and the hourly retry_refunds job keeps at it after that.
        raise RefundNotMade(f"Refund {refund_id} is still pending at the gateway.")
    return True


@background_task
def retry_refunds():
    made, pending = facade.retry_refunds()
    return {"made": made, "pending": pending}
