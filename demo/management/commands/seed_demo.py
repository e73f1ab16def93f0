"""``manage.py seed_demo``: demo data for Panlong District, safe to run again.

Every object is found by a natural key (slug, code, email) and created only
when missing; nothing that exists is overwritten, so editors' changes,
changed passwords and bookings survive a re-run. Each offering gets weekly
plans (``ScheduleRule``) once; slots come from them through the same
generator as the nightly ``generate_slots``, so a daily re-run rolls the
14-day window forward without touching booked or closed slots.
"""

import logging
import random
from contextlib import contextmanager
from datetime import time, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model
from PIL import Image as PillowImage
from PIL import ImageDraw
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site
from wagtail.rich_text import RichText
from wagtailmedia.models import get_media_model

from catalog.services import add_offering, create_service
from cms import editorial
from cms.models import (
    ArticleIndexPage,
    ArticlePage,
    CommunityIndexPage,
    CommunityPage,
    DutyShift,
    FeaturedService,
    HomePage,
    Menu,
    MenuItem,
    SectorIndexPage,
    ServicePage,
    SiteSettings,
    StandardPage,
)
from demo import data as demo_data
from demo import history as demo_history
from marketplace.order.models import Booking
from providers import scheduling
from providers.models import Community, ScheduleRule, Slot, Street
from ratings.models import FollowUpCase, Rating
from search import documents

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
MEDIA_DIR = Path(demo_data.__file__).resolve().parent / "media"


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
    library, created["pictures and media"] = seed_library()
    today = timezone.localtime(now or timezone.now(), LOCAL_TZ).date()
    created["pages"] = seed_pages(categories, services, library, today)
    # Users join the editorial groups, so the groups (made from the pages) come first.
    editorial.setup_editorial_roles()
    created["users"] = seed_users(providers, categories)
    created["menus and settings"] = seed_menus() + seed_settings(library)
    created.update(demo_history.seed_history(now=now))
    # Signals kept the index up to date service by service; one pass makes sure of it.
    documents.rebuild(now=now)
    compute_street_index(now)
    return created


def compute_street_index(now=None):
    """The snapshots the index and service-circle pages read, as the nightly ``compute_index`` writes them."""
    try:
        from streetindex.compute import compute_index
    except ImportError:  # the computation is not part of this checkout yet
        return
    compute_index(now=now)


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


def editorial_group(role, categories):
    if role == demo_data.NEWS:
        name = editorial.NEWS_EDITORS
    elif role == demo_data.MODERATION:
        name = editorial.MODERATORS
    else:
        name = editorial.sector_editors_name(categories[role])
    return Group.objects.get(name=name)


def seed_users(providers, categories):
    """Demo accounts. Passwords are set only when an account is created."""
    User = get_user_model()
    dashboard_access = Permission.objects.get(
        content_type=ContentType.objects.get_for_model(Partner), codename="dashboard_access"
    )
    moderate_rating = Permission.objects.get(content_type__app_label="ratings", codename="moderate_rating")
    created = 0
    demo_hash = None
    for person in demo_data.USERS:
        user = User.objects.filter(email__iexact=person.email).first()
        if user is None:
            if demo_hash is None:
                # One hash for the one demo password: hashing is slow on purpose, a second each.
                demo_hash = make_password(demo_data.DEMO_PASSWORD)
            user = User.objects.create_user(email=person.email, password=None, name=person.name, phone=person.phone)
            user.password = demo_hash
            user.is_staff, user.is_superuser = person.is_staff, person.is_superuser
            user.save(update_fields=["password", "is_staff", "is_superuser"])
            created += 1
        if person.provider:
            providers[person.provider].users.add(user)
            user.user_permissions.add(dashboard_access)
        for group in Group.objects.filter(name__in=person.groups):
            user.groups.add(group)
        if person.editorial_role:
            if person.editorial_role != demo_data.MODERATION:
                # Wagtail's Editors group opens the admin; the role's group says where they write.
                user.groups.add(Group.objects.get(name=editorial.EDITORS))
            user.groups.add(editorial_group(person.editorial_role, categories))
        if person.editorial_role == demo_data.MODERATION:
            # The page moderator also moderates ratings (hides abuse), a permission of its own.
            user.user_permissions.add(moderate_rating)
    return created


# --- pictures, recordings, videos and documents ------------------------------


def draw_picture(key, spec):
    """A landscape in the picture's colours: the same key always draws the same picture."""
    rng = random.Random(key)
    width, height = 960, 540
    picture = PillowImage.new("RGB", (width, height), spec.sky)
    draw = ImageDraw.Draw(picture)
    horizon = int(height * 0.62)
    draw.polygon(
        [
            (0, height),
            (0, horizon),
            *((x, horizon - rng.randint(0, 90)) for x in range(0, width + 1, 120)),
            (width, height),
        ],
        fill=spec.ground,
    )
    for _shape in range(spec.shapes):
        x, y = rng.randint(60, width - 180), rng.randint(60, horizon - 40)
        size = rng.randint(50, 120)
        if rng.random() < 0.5:
            draw.ellipse((x, y, x + size, y + size), fill=spec.accent)
        else:
            draw.rounded_rectangle((x, y, x + size * 1.4, y + size), radius=14, fill=spec.accent)
    buffer = BytesIO()
    picture.save(buffer, format="JPEG", quality=70)
    return buffer


def seed_library():
    """The demo's pictures (drawn now, each with its alt text), documents and recordings, found by title."""
    Image, Document, Media = get_image_model(), get_document_model(), get_media_model()
    created = 0
    images = {
        image.title: image for image in Image.objects.filter(title__in=[i.title for i in demo_data.IMAGES.values()])
    }
    library = {"images": {}, "documents": {}, "media": {}}
    for key, spec in demo_data.IMAGES.items():
        image = images.get(spec.title)
        if image is None:
            image = Image(
                title=spec.title,
                description=spec.description,
                file=ImageFile(draw_picture(key, spec), name=f"{key}.jpg"),
            )
            image._set_image_file_metadata()
            image.save()
            created += 1
        library["images"][key] = image
    documents = {d.title: d for d in Document.objects.filter(title__in=[d.title for d in demo_data.DOCUMENTS.values()])}
    for key, spec in demo_data.DOCUMENTS.items():
        document = documents.get(spec.title)
        if document is None:
            with open(MEDIA_DIR / spec.file, "rb") as source:
                document = Document(title=spec.title, file=File(source, name=spec.file))
                document._set_document_file_metadata()
                document.save()
            created += 1
        library["documents"][key] = document
    media = {m.title: m for m in Media.objects.filter(title__in=[m.title for m in demo_data.MEDIA.values()])}
    for key, spec in demo_data.MEDIA.items():
        item = media.get(spec.title)
        if item is None:
            with open(MEDIA_DIR / spec.file, "rb") as source:
                item = Media.objects.create(
                    title=spec.title,
                    file=File(source, name=spec.file),
                    type=spec.type,
                    duration=spec.duration,
                    width=spec.width or None,
                    height=spec.height or None,
                )
            created += 1
        library["media"][key] = item
    return library, created


# --- Wagtail pages ----------------------------------------------------------


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def publish_live(parent, page):
    """Add a live page without a revision: for the many pages of the demo, when a revision each would only
    slow the seed. Wagtail edits a page without revisions from its row; the first save makes one."""
    moment = timezone.now()
    page.live, page.has_unpublished_changes = True, False
    page.first_published_at = page.last_published_at = moment
    parent.add_child(instance=page)
    return page


def seed_home(library):
    """The HomePage, root of the default Site in place of Wagtail's welcome page; (page, created)."""
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
        home = publish(
            root, HomePage(slug=slug, live=False, hero_image=library["images"]["hero"], **demo_data.HOME_PAGE)
        )
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


def seed_pages(categories, services, library, today):
    home, created = seed_home(library)
    new_home = bool(created)
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
                    guide=spec.guide_blocks(library["documents"]),
                    other_ways=spec.other_ways(),
                    live=False,
                ),
            )
            taken.add(product.slug)
            created += 1
    created += seed_articles(home, library, today)
    created += seed_communities(home)
    created += seed_standard_pages(home)
    if new_home:
        feature_services(home)
    return created


def seed_index(home, model, spec):
    """The index page with ``spec``'s slug under the home page; (page, created)."""
    page = model.objects.child_of(home).filter(slug=spec["slug"]).first()
    if page is not None:
        return page, 0
    home.refresh_from_db()
    return publish(home, model(live=False, **spec)), 1


def article_body(article, library, service_pages):
    body = []
    for block_type, value in article.body:
        if block_type == "paragraph":
            body.append(("paragraph", RichText(value)))
        elif block_type == "quote":
            body.append(("quote", {"text": value[0], "source": value[1]}))
        elif block_type == "image":
            image = library["images"][value]
            body.append(("image", {"image": image, "alt_text": image.description, "decorative": False}))
        elif block_type in ("audio", "video"):
            key, transcript = value
            body.append((block_type, {block_type: library["media"][key], "transcript": RichText(transcript)}))
        elif block_type == "consultation" and value[0] in service_pages:  # unless an editor removed the guide
            slug, heading, text = value
            body.append(("consultation", {"service": service_pages[slug], "heading": heading, "text": text}))
    return body


def seed_articles(home, library, today):
    """The news index and its articles, dated back from ``today``."""
    index, created = seed_index(home, ArticleIndexPage, demo_data.NEWS_INDEX)
    taken = set(Page.objects.child_of(index).values_list("slug", flat=True))
    wanted = {value[0] for article in demo_data.ARTICLES for kind, value in article.body if kind == "consultation"}
    service_pages = {page.slug: page for page in ServicePage.objects.filter(slug__in=wanted)}
    for article in demo_data.ARTICLES:
        if article.slug in taken:
            continue
        page = ArticlePage(
            title=article.title,
            slug=article.slug,
            kind=article.kind,
            date=today - timedelta(days=article.days_ago),
            summary=article.summary,
            feed_image=library["images"][article.image],
            body=article_body(article, library, service_pages),
            live=False,
        )
        page.tags.add(*article.tags)
        index.refresh_from_db()
        publish(index, page)
        created += 1
    return created


def seed_communities(home):
    """The stations index and a page for each community without one, with its duty schedule."""
    index, created = seed_index(home, CommunityIndexPage, demo_data.COMMUNITY_INDEX)
    index.refresh_from_db()
    communities = Community.objects.select_related("street").in_bulk(field_name="slug")
    has_page = set(CommunityPage.objects.values_list("community_id", flat=True))
    taken = set(Page.objects.child_of(index).values_list("slug", flat=True))
    shifts = []
    for station in demo_data.stations():
        community = communities.get(station.community)
        if community is None or community.pk in has_page or station.community in taken:
            continue
        page = publish_live(
            index,
            CommunityPage(
                title=community.name,
                slug=station.community,
                community=community,
                station_name=station.name,
                address=station.address,
                phone=station.phone,
                hours=demo_data.STATION_HOURS,
                latitude=station.latitude,
                longitude=station.longitude,
                intro=f"<p>{community.name}属于{community.street.name}。社区党群服务中心每周有“三官一律师”值班，"
                "居民可以现场咨询，也可以在云超市预约附近的服务。</p>",
            ),
        )
        shifts += [
            DutyShift(page=page, weekday=weekday, role=role, name=name, hours=hours, sort_order=order)
            for order, (weekday, role, name, hours) in enumerate(sorted(station.shifts))
        ]
        created += 1
    DutyShift.objects.bulk_create(shifts)
    return created


def seed_standard_pages(home):
    created = 0
    taken = set(Page.objects.child_of(home).values_list("slug", flat=True))
    for spec in demo_data.STANDARD_PAGES:
        if spec["slug"] in taken:
            continue
        home.refresh_from_db()
        publish(
            home,
            StandardPage(
                title=spec["title"],
                slug=spec["slug"],
                intro=spec["intro"],
                body=[("paragraph", RichText(spec["body"]))],
                live=False,
            ),
        )
        created += 1
    return created


def feature_services(home):
    """The new home page's featured services, published as its second revision."""
    pages = {page.slug: page for page in ServicePage.objects.filter(slug__in=demo_data.FEATURED_SERVICES)}
    home.featured_services = [
        FeaturedService(service=pages[slug], sort_order=order)
        for order, slug in enumerate(demo_data.FEATURED_SERVICES)
        if slug in pages
    ]
    home.save_revision().publish()


def seed_menus():
    """The header's and the footer's menus, made once: editors arrange them afterwards."""
    created = 0
    home = HomePage.objects.first()
    children = {page.slug: page for page in Page.objects.child_of(home)}
    existing = set(Menu.objects.values_list("slug", flat=True))
    for slug, (name, links) in demo_data.MENUS.items():
        if slug in existing:
            if slug == "main":
                created += add_index_links(Menu.objects.get(slug=slug))
            continue
        menu = Menu(name=name, slug=slug)
        menu.items = [
            MenuItem(link_page=children[link[1]], sort_order=order)
            if link[0] == "page"
            else MenuItem(link_url=link[1], label=link[2], sort_order=order)
            for order, link in enumerate(links)
            if link[0] == "url" or link[1] in children
        ]
        menu.save()
        created += 1
    return created


def add_index_links(menu):
    """The index links a main menu made before them lacks, at its end; how many were added."""
    present = set(menu.items.values_list("link_url", flat=True))
    missing = [link for link in demo_data.INDEX_LINKS if link[1] not in present]
    last = max((order for order in menu.items.values_list("sort_order", flat=True) if order is not None), default=-1)
    for order, (_kind, url, label) in enumerate(missing, start=last + 1):
        MenuItem.objects.create(menu=menu, link_url=url, label=label, sort_order=order)
    return len(missing)


def seed_settings(library):
    """The default site's header and footer words, unless someone has written them already."""
    site = Site.objects.get(is_default_site=True)
    settings = SiteSettings.objects.filter(site=site).first() or SiteSettings(site=site)
    if settings.pk and (settings.footer_text or settings.address or settings.email or settings.share_image_id):
        return 0
    for field, value in demo_data.SITE_SETTINGS.items():
        setattr(settings, field, value)
    settings.share_image = library["images"]["share"]
    settings.save()
    return 1


# --- report -------------------------------------------------------------------


def summary(created):
    now = timezone.now()
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
        ("  demo residents", demo_data.RESIDENT_POOL, created["demo residents"]),
        ("past bookings", Booking.objects.filter(slot__starts_at__lt=now).count(), created["past bookings"]),
        ("ratings", Rating.objects.count(), created["ratings"]),
        ("  follow-up cases", FollowUpCase.objects.count(), None),
        ("pages", Page.objects.filter(depth__gt=1).count(), created["pages"]),
        ("  service guides", ServicePage.objects.count(), None),
        ("  articles", ArticlePage.objects.count(), None),
        ("  community stations", CommunityPage.objects.count(), None),
        ("  duty shifts", DutyShift.objects.count(), None),
        ("  plain pages", StandardPage.objects.count(), None),
        ("pictures and media", library_count(), created["pictures and media"]),
        ("menus and settings", Menu.objects.count() + SiteSettings.objects.count(), created["menus and settings"]),
    ]
    lines = ["Panlong demo data (total, created by this run):"]
    for label, total, new in rows:
        lines.append(f"  {label:<20}{total:>7}" + (f"   (+{new})" if new is not None else ""))
    lines.append(f"Demo accounts: resident@example.com, admin@example.com … password {demo_data.DEMO_PASSWORD}")
    lines.append("Editors: editor@example.com (法律服务), health-editor@, news-editor@, moderator@example.com")
    lines.append("Provider staff: <provider code>@example.com; residents with a history: resident-001@example.com …")
    return "\n".join(lines)


def library_count():
    return sum(model.objects.count() for model in (get_image_model(), get_document_model(), get_media_model()))
