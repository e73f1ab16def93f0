"""``manage.py seed_demo``: demo data for Panlong District, safe to run again.

Every object is found by a natural key (slug, code, email) and created only
when missing; nothing that exists is overwritten, so editors' changes,
changed passwords and bookings survive a re-run. Each offering gets weekly
plans (``ScheduleRule``) once; slots come from them through the same
generator as the nightly ``generate_slots``, so a daily re-run rolls the
14-day window forward without touching booked or closed slots.
"""

import logging
from contextlib import contextmanager
from datetime import time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model
from wagtail.models import Page, Site

from catalog.services import add_offering, create_service
from cms import demo_data
from cms.models import HomePage, SectorIndexPage, ServicePage
from providers import scheduling
from providers.models import Community, ScheduleRule, Slot, Street
from search import documents

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


class Command(BaseCommand):
    help = "Load demo data for Kunming's Panlong District. Idempotent: a re-run only adds what is missing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=demo_data.BOOK_AHEAD_DAYS,
            help="Days of slots to open, starting today (default %(default)s).",
        )

    def handle(self, *args, days, verbosity, **options):
        # Every new offering logs Oscar's back-in-stock alerts, every page
        # Wagtail's audit lines and search-index tasks: thousands of lines
        # that bury the summary. -v 2 shows them.
        noisy = () if verbosity >= 2 else ("oscar.alerts", "wagtail", "django_tasks")
        with quiet_loggers(*noisy), transaction.atomic():
            created = seed_all(days=days)
        self.stdout.write(summary(created))


@contextmanager
def quiet_loggers(*names):
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def seed_all(days=demo_data.BOOK_AHEAD_DAYS, now=None):
    """Load everything; return how many objects of each kind this run created."""
    created = {}
    streets, communities, created["streets"], created["communities"] = seed_places()
    categories, created["categories"] = seed_sectors()
    providers, created["providers"] = seed_providers(streets, communities)
    services, created["services"], created["offerings"] = seed_services(categories, providers)
    created["weekly plans"] = seed_rules(services, timezone.localtime(now or timezone.now(), LOCAL_TZ).date())
    created["slots"] = seed_slots(services, days=days, now=now)
    created["users"] = seed_users(providers)
    created["pages"] = seed_pages(categories, services)
    # Signals kept the index up to date service by service; one pass makes sure of it.
    documents.rebuild(now=now)
    return created


# --- places, sectors, providers --------------------------------------------


def seed_places():
    streets = Street.objects.in_bulk(field_name="slug")
    communities = Community.objects.in_bulk(field_name="slug")
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
    return streets, communities, new_streets, new_communities


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
        if product is None:
            product = create_service(
                spec.title,
                categories[spec.category],
                slug=spec.slug,
                summary=spec.summary,
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


# --- people -------------------------------------------------------------------


def seed_users(providers):
    """Demo accounts. Passwords are set only when an account is created."""
    User = get_user_model()
    dashboard_access = Permission.objects.get(
        content_type=ContentType.objects.get_for_model(Partner), codename="dashboard_access"
    )
    created = 0
    for person in demo_data.USERS:
        user = User.objects.filter(email__iexact=person.email).first()
        if user is None:
            user = User.objects.create_user(
                email=person.email,
                password=demo_data.DEMO_PASSWORD,
                name=person.name,
                phone=person.phone,
            )
            if person.is_staff or person.is_superuser:
                user.is_staff, user.is_superuser = person.is_staff, person.is_superuser
                user.save(update_fields=["is_staff", "is_superuser"])
            created += 1
        if person.provider:
            providers[person.provider].users.add(user)
            user.user_permissions.add(dashboard_access)
        for group in Group.objects.filter(name__in=person.groups):
            user.groups.add(group)
    return created


# --- Wagtail pages ----------------------------------------------------------


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def seed_home():
    """The HomePage, root of the default Site in place of Wagtail's welcome page."""
    created = 0
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's migration leaves a plain "Welcome" page (slug "home") as the
        # site root. Deleting it also deletes its Site (CASCADE); one is made below.
        welcome = (
            root.get_children()
            .filter(slug="home", content_type=ContentType.objects.get_for_model(Page), numchild=0)
            .first()
        )
        if welcome is not None:
            welcome.delete()
            root.refresh_from_db()
        slug = "home" if not root.get_children().filter(slug="home").exists() else "panlong"
        home = publish(root, HomePage(slug=slug, live=False, **demo_data.HOME_PAGE))
        created += 1
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.filter(hostname="localhost", port=80).first() or Site(hostname="localhost", port=80)
        site.is_default_site = True
    if site.root_page_id != home.pk or not site.pk:
        site.root_page = home
        site.site_name = demo_data.SITE_NAME
        site.save()
    return home, created


def seed_pages(categories, services):
    home, created = seed_home()
    sector_pages = {page.slug: page for page in SectorIndexPage.objects.child_of(home)}
    taken = set(Page.objects.child_of(home).values_list("slug", flat=True))
    for sector in demo_data.SECTORS:
        if sector.slug in sector_pages or sector.slug in taken:
            continue
        sector_pages[sector.slug] = publish(
            home,
            SectorIndexPage(
                title=sector.name,
                slug=sector.slug,
                category=categories[sector.slug],
                intro=f"<p>{sector.intro}</p>",
                live=False,
            ),
        )
        home.refresh_from_db()
        created += 1
    sector_of = {slug: sector.slug for sector in demo_data.SECTORS for slug, _name in sector.children}
    for sector_slug, sector_page in sector_pages.items():
        taken = set(Page.objects.child_of(sector_page).values_list("slug", flat=True))
        for spec, product, _offerings in services:
            if sector_of[spec.category] != sector_slug or product.slug in taken:
                continue
            publish(
                sector_page,
                ServicePage(
                    title=product.title,
                    slug=product.slug,
                    product=product,
                    summary=product.summary,
                    guide=spec.guide_blocks(),
                    live=False,
                ),
            )
            taken.add(product.slug)
            created += 1
    return created


# --- report -------------------------------------------------------------------


def summary(created):
    now = timezone.now()
    sector_slugs = [sector.slug for sector in demo_data.SECTORS]
    service_slugs = [spec.slug for spec in demo_data.SERVICES]
    services = Product.objects.filter(slug__in=service_slugs)
    rows = [
        ("streets", Street.objects.count(), created["streets"]),
        ("communities", Community.objects.count(), created["communities"]),
        ("categories", Category.objects.count(), created["categories"]),
        ("providers", Partner.objects.count(), created["providers"]),
        ("services", services.count(), created["services"]),
        ("  of which paid", services.filter(stockrecords__price__gt=0).distinct().count(), None),
        ("offerings", StockRecord.objects.count(), created["offerings"]),
        ("weekly plans", ScheduleRule.objects.count(), created["weekly plans"]),
        ("open future slots", Slot.objects.open_future(now).count(), created["slots"]),
        ("users", get_user_model().objects.count(), created["users"]),
        (
            "pages",
            HomePage.objects.count()
            + SectorIndexPage.objects.filter(slug__in=sector_slugs).count()
            + ServicePage.objects.count(),
            created["pages"],
        ),
    ]
    lines = ["Panlong demo data (total, created by this run):"]
    for label, total, new in rows:
        lines.append(f"  {label:<20}{total:>7}" + (f"   (+{new})" if new is not None else ""))
    lines.append(f"Demo accounts: resident@example.com, admin@example.com … password {demo_data.DEMO_PASSWORD}")
    return "\n".join(lines)
