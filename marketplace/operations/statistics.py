"""The district's statistics by channel: how bookings and matters came in (online, counter, the 12348
hotline, grid workers), month by month. Only counts: nobody's personal data is read here."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from oscar.core.loading import get_model

from marketplace.booking.rules import local_day, start_of_local_day
from marketplace.matters.models import Matter

Booking = get_model("booking", "Booking")


@dataclass(frozen=True)
class Month:
    first: date

    @property
    def label(self):
        return f"{self.first:%Y-%m}"

    @property
    def following(self):
        return Month(date(self.first.year + self.first.month // 12, self.first.month % 12 + 1, 1))

    @property
    def preceding(self):
        return Month(date(self.first.year - (self.first.month == 1), (self.first.month - 2) % 12 + 1, 1))

    def bounds(self):
        return start_of_local_day(self.first), start_of_local_day(self.following.first)


def month_of(text, now):
    """The month asked for as YYYY-MM, or the running month for anything else."""
    try:
        year, month = (int(part) for part in str(text or "").split("-"))
        if 2000 <= year <= 2100:
            return Month(date(year, month, 1))
    except ValueError:
        pass
    return Month(local_day(now).replace(day=1))


def bookings_by_channel(month):
    """One row per booking channel (every channel, 0 where none came): bookings placed in the month,
    of them cancelled, and visits checked in."""
    start, end = month.bounds()
    counts = {
        row["channel"]: row
        for row in Booking.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("channel")
        .annotate(
            placed=Count("pk"),
            cancelled=Count("pk", filter=Q(status=Booking.Status.CANCELLED)),
            checked_in=Count("pk", filter=Q(status=Booking.Status.CHECKED_IN)),
        )
        .order_by()
    }
    return [
        {
            "channel": code,
            "label": label,
            **{key: counts.get(code, {}).get(key, 0) for key in ("placed", "cancelled", "checked_in")},
        }
        for code, label in Booking.Channel.choices
    ]


def matters_by_channel(month):
    """One row per matter channel (every channel, 0 where none came): matters submitted in the month, by kind."""
    start, end = month.bounds()
    counts = {
        row["channel"]: row["submitted"]
        for row in Matter.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        .values("channel")
        .annotate(submitted=Count("pk"))
        .order_by()
    }
    return [
        {"channel": code, "label": label, "submitted": counts.get(code, 0)} for code, label in Matter.Channel.choices
    ]
