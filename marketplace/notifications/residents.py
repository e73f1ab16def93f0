"""Messages to residents about their bookings, by email and SMS.

Each channel goes out on its own: a mail server or SMS gateway in trouble is
logged (phone masked) and never stops the other channel or the next resident.
"""

import logging
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from marketplace.notifications.sms import SmsError, send_sms

logger = logging.getLogger(__name__)


def language_of(user):
    # Residents do not choose a language yet: everyone gets the site's (简体中文).
    return settings.LANGUAGE_CODE


def absolute(url):
    return (
        url
        if url.startswith(("http://", "https://"))
        else urljoin(settings.SITE_URL.rstrip("/") + "/", url.lstrip("/"))
    )


def notify_booking_cancelled_by_provider(booking, alternatives):
    """Tell the resident the provider cancelled ``booking``, why, and which free slots of the service remain.

    Returns the channels that went out, e.g. ``["email", "sms"]``.
    """
    resident = booking.user
    service = booking.slot.offering.product
    with translation.override(language_of(resident)):
        context = {
            "booking": booking,
            "resident": resident,
            "slot": booking.slot,
            "service": service,
            "provider": booking.slot.offering.partner,
            "alternatives": alternatives,
            "service_url": absolute(service.get_absolute_url()),
            "booking_url": absolute(reverse("booking-detail", kwargs={"code": booking.code})),
        }
        sent = []
        if resident.email:
            try:
                send_mail(
                    " ".join(render_to_string("notifications/booking_cancelled_subject.txt", context).split()),
                    render_to_string("notifications/booking_cancelled_body.txt", context),
                    settings.DEFAULT_FROM_EMAIL,
                    [resident.email],
                )
            except Exception:
                logger.exception("Email about cancelled booking %s could not be sent", booking.code)
            else:
                sent.append("email")
        if resident.phone:
            try:
                send_sms(resident.phone, render_to_string("notifications/booking_cancelled_sms.txt", context).strip())
            except SmsError as error:
                logger.error("SMS about cancelled booking %s could not be sent: %s", booking.code, error)
            except Exception:
                logger.exception("SMS about cancelled booking %s could not be sent", booking.code)
            else:
                sent.append("sms")
    return sent
