"""Places at known distances, for the service circle and compute_index tests."""

import math
from decimal import Decimal

from oscar.core.loading import get_model

from catalog.services import add_offering, create_service
from providers.geo import EARTH_RADIUS_METRES
from providers.models import Community

Partner = get_model("partner", "Partner")

# The centre of a community in Panlong District.
CENTRE = (Decimal("25.050000"), Decimal("102.720000"))


def north_of(centre, metres):
    """The point ``metres`` due north of ``centre`` (on a meridian the great circle is the latitude)."""
    latitude, longitude = centre
    degrees = math.degrees(metres / EARTH_RADIUS_METRES)
    return (latitude + Decimal(degrees).quantize(Decimal("0.000001")), longitude)


def make_community(street, slug, centre=CENTRE, population=None):
    latitude, longitude = centre if centre else (None, None)
    return Community.objects.create(
        street=street, slug=slug, name=f"{slug}社区", population=population, latitude=latitude, longitude=longitude
    )


def make_provider(street, code, point=None, community=None):
    latitude, longitude = point if point else (None, None)
    return Partner.objects.create(
        name=f"{code}服务站", code=code, street=street, community=community, latitude=latitude, longitude=longitude
    )


def offer(provider, sector, title=None):
    """A new service in ``sector`` offered by ``provider``."""
    service = create_service(title or f"{sector.slug}-{provider.code}", sector)
    return add_offering(service, provider, Decimal("0.00"))
