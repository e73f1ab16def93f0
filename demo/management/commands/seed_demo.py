"""``manage.py seed_demo``: demo data for Panlong District, safe to run again.

Every object is found by a natural key (slug, code, email) and created only
when missing; nothing that exists is overwritten, so editors' changes,
changed passwords and bookings survive a re-run. Each offering gets weekly
plans (``ScheduleRule``) once; slots come from them through the same
generator as the nightly ``generate_slots``, so a daily re-run rolls the
14-day window forward without touching booked or closed slots.

The tables are in ``demo.data``; each part of the district is seeded by its
own module (``demo.district``, ``demo.library``, ``demo.pages``,
``demo.people``, ``demo.history``, ``demo.matters``), in the order ``seed_all`` gives.
"""

import logging
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtailmedia.models import get_media_model

from cms import editorial
from cms.models import ArticlePage, CommunityPage, DutyShift, Menu, ServicePage, SiteSettings, StandardPage
from demo import data as demo_data
from demo import grid as demo_grid
from demo import history as demo_history
from demo import matters as demo_matters
from demo.district import (
    seed_eligibility,
    seed_places,
    seed_providers,
    seed_rules,
    seed_sectors,
    seed_services,
    seed_slots,
)
from demo.library import seed_library
from demo.pages import seed_menus, seed_pages, seed_settings
from demo.people import seed_users
from marketplace.booking.models import Booking
from marketplace.matters.models import Desk, Matter
from providers.models import Community, ScheduleRule, Slot, Street
from ratings import services as rating_services
from ratings.models import Rating
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
        parser.add_argument(
            "--i-know-this-is-a-demo",
            action="store_true",
            dest="i_know_this_is_a_demo",
            help="Seed even with DEBUG off (a demo site): the demo accounts' passwords are public.",
        )

    def handle(self, *args, days, verbosity, i_know_this_is_a_demo=False, **options):
        # The demo accounts (administrator included) share one password printed in the README: on a
        # production database they would be open doors. DEBUG off means "not a laptop" here.
        if not settings.DEBUG and not i_know_this_is_a_demo:
            raise CommandError(
                "DEBUG is off: this looks like a production database, and seed_demo would create accounts "
                "whose passwords are public. On a demo site, run it again with --i-know-this-is-a-demo."
            )
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
    created.update(demo_history.seed_online_booking(now=now))
    # Who may book what, once the past is made: the history's residents are drawn without regard to it.
    created["eligibility rules"] = seed_eligibility(services)
    matters = demo_matters.seed_matters(streets, communities, now=now)
    created["providers"] += matters.pop("providers")
    created["users"] += matters.pop("users")
    created.update(matters)
    grid = demo_grid.seed_grid(communities, now=now)
    created["users"] += grid.pop("users")
    created.update(grid)
    # Signals kept the index up to date service by service; one pass makes sure of it.
    documents.rebuild(now=now)
    compute_street_index(now)
    return created


def compute_street_index(now=None):
    """The snapshots the index and service-circle pages read, as the nightly ``compute_index`` writes them;
    the complete periods (the previous month and the previous quarter) published as the district would, the running
    ones left as drafts for the administrator to review at /index/review/."""
    try:
        from streetindex.compute import compute_index
        from streetindex.publishing import publish_by_system
    except ImportError:  # the computation is not part of this checkout yet
        return
    _coverage_run, runs = compute_index(now=now)
    for run in runs:
        if run.is_complete(now) and run.published_at is None:
            publish_by_system(run, now=now)


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
        ("  follow-up cases", rating_services.follow_ups().count(), None),
        ("matters", Matter.objects.exclude(kind="follow_up").count(), created["matters"]),
        ("  desks", Desk.objects.count(), created["matter desks"]),
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
    example = demo_matters.progress_example()
    if example is not None:
        lines.append(
            "Matters: tuodong-legal@, district-legal-aid@, donghua-laowang@example.com … ; the district: admin@"
        )
        lines.append(f"Progress lookup (/matters/progress/): reference {example[0]}, last 4 digits {example[1]}")
    return "\n".join(lines)


def library_count():
    return sum(model.objects.count() for model in (get_image_model(), get_document_model(), get_media_model()))
