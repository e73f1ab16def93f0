"""The 10-minute service circle: which communities have which sectors within walking distance.

A community × sector cell is covered when a provider of the sector lies within
``SERVICE_CIRCLE_METRES`` (great-circle distance from the community's centre)
and has an open slot with room for an online booking starting within
``SERVICE_CIRCLE_DAYS``. The circle is a snapshot of the moment it is computed
(slots ahead, not history), so every index period of one nightly run shares it.
"""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from providers.geo import great_circle_metres
from providers.models import Community, Slot
from streetindex.models import CoverageCell, CoverageRun

Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")
ProductCategory = get_model("catalogue", "ProductCategory")


def sectors_with_open_slots(now, days_ahead):
    """``{partner id: {sector id}}``: the sectors each located provider could take an online booking in soon.

    Three queries whatever the number of slots: the (provider, service) pairs
    with a bookable slot, the sectors of those services, and the roots.
    """
    pairs = (
        Slot.objects.open_future(now)
        .with_places(now)
        .filter(
            starts_at__lte=now + timedelta(days=days_ahead),
            offering__partner__latitude__isnull=False,
            offering__partner__longitude__isnull=False,
        )
        .order_by()
        .values_list("offering__partner_id", "offering__product_id")
        .distinct()
    )
    services_of = defaultdict(set)
    for partner_id, product_id in pairs:
        services_of[partner_id].add(product_id)
    wanted = set().union(*services_of.values()) if services_of else set()
    roots = {root.path: root.pk for root in Category.get_root_nodes()}
    sectors_of_service = defaultdict(set)
    for product_id, path in ProductCategory.objects.filter(product_id__in=wanted).values_list(
        "product_id", "category__path"
    ):
        # A category's root is the first step of its materialised path.
        root_id = roots.get(path[: Category.steplen])
        if root_id is not None:
            sectors_of_service[product_id].add(root_id)
    return {
        partner_id: set().union(*(sectors_of_service[product_id] for product_id in product_ids))
        for partner_id, product_ids in services_of.items()
    }


def compute_coverage(now=None):
    """Compute and store the circle of every community with a centre and every sector; return the run."""
    now = now or timezone.now()
    radius, days_ahead = settings.SERVICE_CIRCLE_METRES, settings.SERVICE_CIRCLE_DAYS
    sectors_of_partner = sectors_with_open_slots(now, days_ahead)
    located = Partner.objects.filter(pk__in=sectors_of_partner).values_list("pk", "latitude", "longitude")
    providers_of_sector = defaultdict(list)  # sector id: [(partner id, latitude, longitude)]
    for partner_id, latitude, longitude in located:
        for sector_id in sectors_of_partner[partner_id]:
            providers_of_sector[sector_id].append((partner_id, latitude, longitude))
    sector_ids = list(Category.get_root_nodes().values_list("pk", flat=True))
    communities = Community.objects.filter(latitude__isnull=False, longitude__isnull=False).values_list(
        "pk", "latitude", "longitude"
    )

    cells = []
    for community_id, latitude, longitude in communities:
        for sector_id in sector_ids:
            distances = sorted(
                (great_circle_metres(latitude, longitude, p_lat, p_lon), partner_id)
                for partner_id, p_lat, p_lon in providers_of_sector[sector_id]
            )
            inside = sum(1 for metres, _partner in distances if metres <= radius)
            nearest = distances[0] if distances else None
            cells.append(
                CoverageCell(
                    community_id=community_id,
                    sector_id=sector_id,
                    covered=inside > 0,
                    nearest_partner_id=nearest[1] if nearest else None,
                    distance_metres=round(nearest[0]) if nearest else None,
                    providers_within=min(inside, 32767),
                )
            )
    with transaction.atomic():
        run = CoverageRun.objects.create(computed_at=now, radius_metres=radius, days_ahead=days_ahead)
        for cell in cells:
            cell.run = run
        CoverageCell.objects.bulk_create(cells, batch_size=1000)
    return run


def prune_coverage_runs(keep):
    """Delete the circles no index period refers to, except ``keep`` (the newest): they are never shown."""
    return (
        CoverageRun.objects.exclude(pk=keep.pk).filter(index_runs__isnull=True).delete()[0] if keep is not None else 0
    )
