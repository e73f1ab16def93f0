"""The sandbox gateway can be told to time out (PAYMENT_SANDBOX_STALL_FILE, bench/soak.py's gateway fault):
paying answers 503 ``payment_unavailable`` with the place still held, a refund stays pending and goes
through once the gateway answers again."""

# ruff: noqa: F811 (the paid fixtures are imported, and pytest passes them by name)

from marketplace.booking import services
from marketplace.booking.models import Booking
from marketplace.payment import facade, sandbox
from marketplace.payment.models import SandboxPayment
from tests.marketplace.api.conftest import API, assert_error, resident_api  # noqa: F401
from tests.marketplace.payment.conftest import paid_offering, paid_service, paid_slot  # noqa: F401


def stalled(settings, tmp_path):
    flag = tmp_path / "gateway-stalled"
    settings.PAYMENT_SANDBOX_STALL_FILE = str(flag)
    settings.PAYMENT_GATEWAY_TIMEOUT = 0.01
    return flag


def test_paying_while_the_sandbox_times_out_is_a_503_and_works_once_it_answers(
    settings, tmp_path, resident_api, paid_slot
):
    flag = stalled(settings, tmp_path)
    response = resident_api.post(f"{API}/bookings", {"slot": paid_slot.pk}, content_type="application/json")
    code = response.json()["code"]

    flag.touch()
    assert_error(resident_api.post(f"{API}/bookings/{code}/pay"), 503, "payment_unavailable")
    assert Booking.objects.get(code=code).status == Booking.Status.PENDING_PAYMENT

    flag.unlink()
    response = resident_api.post(f"{API}/bookings/{code}/pay")
    assert response.status_code == 200 and "/sandbox/" in response.json()["pay_url"]


def test_a_refund_while_the_sandbox_times_out_stays_pending_and_is_made_later(
    settings, tmp_path, resident, paid_slot, django_capture_on_commit_callbacks
):
    flag = stalled(settings, tmp_path)
    booking = services.book(resident, paid_slot.pk)
    facade.start_payment(booking)
    sandbox.decide(SandboxPayment.objects.get(), approve=True)

    flag.touch()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_booking(Booking.objects.get(pk=booking.pk))
    assert facade.payment_state(booking) == ("refund_pending", None)

    flag.unlink()
    assert facade.retry_refunds() == (1, 0)
    assert facade.payment_state(booking) == ("refunded", None)


def test_without_the_file_the_sandbox_answers_at_once(settings, tmp_path, resident, paid_slot):
    stalled(settings, tmp_path)  # named, never created
    booking = services.book(resident, paid_slot.pk)
    assert "/sandbox/" in facade.start_payment(booking)
