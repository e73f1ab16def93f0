"""What waits for the resident's own answer (issue 19, item 4): a waiting-list place offered to them,
a follow-up case the provider answered, a visit to rate. Flagged in the header and at the top of
"my bookings", so none of it is two clicks deep or found too late.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from marketplace.booking.models import WaitlistEntry
from ratings import services as ratings


@dataclass
class Waiting:
    offers: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    visits: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.offers) + len(self.cases) + len(self.visits)


def waiting_for(user, now=None):
    now = now or timezone.now()
    offers = (
        WaitlistEntry.objects.filter(
            user=user, status=WaitlistEntry.Status.OFFERED, offer_expires_at__gt=now, slot__starts_at__gt=now
        )
        .select_related("slot__offering__product", "slot__offering__partner")
        .order_by("offer_expires_at", "pk")
    )
    return Waiting(
        offers=list(offers), cases=list(ratings.cases_to_confirm(user)), visits=list(ratings.visits_to_rate(user, now))
    )
