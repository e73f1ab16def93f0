"""The district the demo runs in: streets, communities, sectors, providers, services and
their offerings, each offering's weekly plans, and the slots made from them."""

from datetime import time
from decimal import Decimal

from django.utils import timezone
from oscar.core.loading import get_model

from catalog.services import add_offering, create_service
from demo import data as demo_data
from demo import english as demo_english
from providers import scheduling
from providers.models import Community, ScheduleRule, Street

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
EligibilityRule = get_model("catalogue", "EligibilityRule")


# --- places, sectors, providers --------------------------------------------


def seed_places():
    """Streets and communities; a community's residents and centre are filled in where still empty."""
    streets = Street.objects.in_bulk(field_name="slug")
    communities = Community.objects.in_bulk(field_name="slug")
    # The community's centre is its service station's place: one source for the map and the circle.
    centres = {station.community: (station.latitude, station.longitude) for station in demo_data.stations()}
    new_streets = new_communities = 0
    for position, (slug, name, members) in enumerate(demo_data.STREETS, start=1):
        if slug not in streets:
            streets[slug] = Street.objects.create(slug=slug, name=name, position=position)
            new_streets += 1
        for suffix, community_name in members:
            community_slug = f"{slug}-{suffix}"
            if community_slug not in communities:
                communities[community_slug] = Community.objects.create(
                    slug=community_slug, name=community_name, street=streets[slug]
                )
                new_communities += 1
            fill_in_community(communities[community_slug], slug, centres[community_slug])
    return streets, communities, new_streets, new_communities


def fill_in_community(community, street, centre):
    changed = []
    if community.population is None:
        community.population = demo_data.community_population(street, community.slug)
        changed.append("population")
    if community.latitude is None or community.longitude is None:
        community.latitude, community.longitude = (Decimal(value) for value in centre)
        changed += ["latitude", "longitude"]
    if changed:
        community.save(update_fields=changed)


def seed_sectors():
    """The five sectors as root categories, each with its sub-categories; {slug: category}."""
    categories = {}
    created = 0
    for sector in demo_data.SECTORS:
        root = Category.get_root_nodes().filter(slug=sector.slug).first()
        if root is None:
            root = Category.add_root(name=sector.name, slug=sector.slug, description=sector.intro)
            created += 1
        categories[sector.slug] = root
        children = {child.slug: child for child in root.get_children()}
        for slug, name in sector.children:
            if slug not in children:
                children[slug] = root.add_child(name=name, slug=slug)
                created += 1
            categories[slug] = children[slug]
    english_names = {slug: name for slug, (name, _intro) in demo_english.SECTORS.items()}
    english_names.update(demo_english.SUBCATEGORIES)
    for slug, category in categories.items():
        # Filled in where still empty: an editor's own English stays.
        if not category.name_en and english_names.get(slug):
            category.name_en = english_names[slug]
            category.save(update_fields=["name_en"])
    return categories, created


def seed_providers(streets, communities):
    providers = Partner.objects.in_bulk([p.code for p in demo_data.PROVIDERS], field_name="code")
    created = 0
    for spec in demo_data.PROVIDERS:
        if spec.code in providers:
            continue
        providers[spec.code] = Partner.objects.create(
            code=spec.code,
            name=spec.name,
            kind=spec.kind,
            street=streets[spec.street],
            community=communities[spec.community],
            address=spec.address,
            phone=spec.phone,
            latitude=Decimal(spec.latitude),
            longitude=Decimal(spec.longitude),
            opening_notes=spec.opening_notes,
        )
        created += 1
    return providers, created


# --- services and offerings -------------------------------------------------


def seed_services(categories, providers):
    """Create missing services and offerings; return [(spec, product, {provider code: offering})]."""
    # Product slugs are not unique in Oscar; the demo's own are.
    products = {p.slug: p for p in Product.objects.filter(slug__in=[s.slug for s in demo_data.SERVICES])}
    offerings = {}
    for record in StockRecord.objects.filter(product__in=products.values()).select_related("partner"):
        offerings.setdefault(record.product_id, {})[record.partner.code] = record
    new_services = new_offerings = 0
    services = []
    for spec in demo_data.SERVICES:
        product = products.get(spec.slug)
        title_en, summary_en = demo_english.SERVICES[spec.slug]
        if product is None:
            product = create_service(
                spec.title,
                categories[spec.category],
                slug=spec.slug,
                summary=spec.summary,
                title_en=title_en,
                summary_en=summary_en,
                description=spec.guide_html(),
                mode=spec.mode,
                duration_minutes=spec.duration_minutes,
                book_ahead_days=demo_data.BOOK_AHEAD_DAYS,
                cancel_until_hours=spec.cancel_until_hours,
                max_active_per_resident=spec.max_active_per_resident,
                one_per_day=spec.one_per_day,
            )
            new_services += 1
        existing = offerings.setdefault(product.pk, {})
        for code, price in spec.offerings:
            if code not in existing:
                existing[code] = add_offering(product, providers[code], Decimal(price), sku=f"{spec.slug}@{code}")
                new_offerings += 1
        services.append((spec, product, {code: existing[code] for code, _price in spec.offerings}))
    return services, new_services, new_offerings


def seed_eligibility(services):
    """The services' eligibility rules (the over-65 check-up: 65 or over, once a year, living in the district),
    for services that have none yet: rules an administrator edited stay as they are."""
    streets = {street.slug: street for street in Street.objects.all()}
    specs = [(spec, product) for spec, product, _offerings in services if spec.eligibility]
    ruled = set(
        EligibilityRule.objects.filter(service__in=[product for _spec, product in specs]).values_list(
            "service_id", flat=True
        )
    )
    new = [
        EligibilityRule(
            service=product,
            kind=kind,
            **{name: streets[value] if name == "street" else value for name, value in params.items()},
        )
        for spec, product in specs
        if product.pk not in ruled
        for kind, params in spec.eligibility
    ]
    EligibilityRule.objects.bulk_create(new)
    return len(new)


# --- weekly plans and slots ----------------------------------------------


def seed_rules(services, today):
    """Each demo schedule's sessions as weekly plans of the offering, for offerings that have none yet.

    An offering with plans (from an earlier run or edited by its provider in
    the console) keeps them exactly as they are.
    """
    offering_ids = [o.pk for _spec, _product, offerings in services for o in offerings.values()]
    planned = set(ScheduleRule.objects.filter(offering_id__in=offering_ids).values_list("offering_id", flat=True))
    new = [
        ScheduleRule(
            offering=offering,
            weekdays=ScheduleRule.weekday_mask(session.weekdays),
            opens_at=time.fromisoformat(session.start),
            closes_at=time.fromisoformat(session.end),
            slot_minutes=session.minutes,
            capacity=session.capacity,
            counter_capacity=session.held_for_counter,
            valid_from=today,
        )
        for spec, _product, offerings in services
        for offering in offerings.values()
        if offering.pk not in planned
        for session in demo_data.SCHEDULES[spec.schedule]
    ]
    ScheduleRule.objects.bulk_create(new)
    return len(new)


def seed_slots(services, days=demo_data.BOOK_AHEAD_DAYS, now=None):
    """Open slots from today for ``days`` days, made by the generator from the weekly plans.

    The generator only adds missing slots: booked and closed ones stay as
    they are, official holidays and closures get none.
    """
    now = now or timezone.now()
    offering_ids = [o.pk for _spec, _product, offerings in services for o in offerings.values()]
    created, _removed = scheduling.generate_slots(offering_ids, days=days, now=now)
    return created
