import threading
from contextlib import ExitStack
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from oscar.core.loading import get_model

from catalog.services import add_offering, create_service
from providers.models import Community, Slot, Street

Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")

PASSWORD = "Panlong-2026!"


def database_vendor():
    from django.conf import settings

    return "postgresql" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "sqlite"


# The capacity race cannot be seen on SQLite: it serialises writers and only
# ever says "database is locked". Concurrency tests need PostgreSQL.
needs_postgres = pytest.mark.skipif(
    database_vendor() != "postgresql",
    reason="concurrency is only observable on PostgreSQL; set DATABASE_URL=postgres://… to run",
)


def race(jobs):
    """Run every job at the same moment on its own connection; return their answers."""
    barrier = threading.Barrier(len(jobs))
    answers = []
    lock = threading.Lock()

    def run(job):
        try:
            barrier.wait(timeout=30)
            answer = job()
            with lock:
                answers.append(answer)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


# Under `make test` (-n 2) the run's controller builds the live app's demo database while the workers
# run the rest of the suite, and each worker serves a copy of it: tests/browser/conftest.py.


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    from tests.browser.conftest import share_live_app

    share_live_app(node)


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput"):
        from tests.browser.conftest import stop_shared_live_app

        stop_shared_live_app(config)


# The suite's longest test (a core for a minute and a half) needs no test database: it runs first, so that in a
# parallel run it shares the cores with the first worker's migrations instead of running alone at the end.
FIRST = ("tests/upgrade/",)


def pytest_collection_modifyitems(config, items):
    # A stable sort: tests/browser/conftest.py puts the live app's tests last the same way.
    items.sort(key=lambda item: not item.nodeid.startswith(FIRST))


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's test databases, migrated once per parallel run and copied by the other workers
    (tests/template_database.py). A run in one process, with --reuse-db or --no-migrations, is pytest-django's own."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    from tests import template_database

    run_id = getattr(request.config, "workerinput", {}).get("testrunuid")
    verbosity = request.config.option.verbose
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    made = {}

    def setup(keepdb):
        made["config"] = setup_databases(
            verbosity=verbosity,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            keepdb=keepdb,
        )

    template = ExitStack()
    with django_db_blocker.unblock():
        if not django_db_use_migrations:
            _disable_migrations()
        if run_id and django_db_use_migrations and not django_db_keepdb:
            template.enter_context(template_database.shared(run_id, setup, migrated=_live_apps_migrated(request)))
        else:
            setup(keepdb=django_db_keepdb and not django_db_createdb)
    yield
    with django_db_blocker.unblock():
        if not django_db_keepdb:
            teardown_databases(made["config"], verbosity=verbosity)
        template.close()


def _live_apps_migrated(request):
    """Where to ask for the live app's migrated database, when this run's controller builds it; else None."""
    from tests.browser.conftest import shared_state
    from tests.browser.live_app import migrated_copy

    state = shared_state(request.config)
    return (lambda: migrated_copy(state)) if state else None


@pytest.fixture(scope="session")
def live_demo(request):
    """The demo database of the live app (tests/browser/live_app.py), one for the run's browser tests and the
    API's property-based run alike."""
    from tests.browser.conftest import demo_of_the_run

    yield from demo_of_the_run(request)


@pytest.fixture(autouse=True)
def fresh_cache():
    """The caches are not rolled back with a test's transaction, and Wagtail keeps each site's root page
    path there: a path cached by one test would leave another test's pages without addresses."""
    from django.core.cache import caches

    # The rate limits' counters too (marketplace.users.limits): every test client comes from 127.0.0.1.
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def no_page_cache(settings):
    """Anonymous pages rendered on every request (marketplace/pagecache.py keeps them otherwise): for the
    tests that count what rendering a page costs, and change its data behind the site's back to grow it."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def street(db):
    street, _ = Street.objects.get_or_create(slug="tuodong", defaults={"name": "拓东街道", "position": 1})
    return street


@pytest.fixture
def community(street):
    community, _ = Community.objects.get_or_create(
        slug="tuodong-jinma", defaults={"street": street, "name": "金马社区"}
    )
    return community


@pytest.fixture
def sector(db):
    return Category.add_root(name="法律服务", slug="legal")


@pytest.fixture
def provider(street, community):
    return Partner.objects.create(
        name="拓东街道公共法律服务工作站",
        code="tuodong-legal",
        kind=Partner.Kind.LEGAL_STATION,
        street=street,
        community=community,
        address="盘龙区拓东路 12 号",
        phone="0871-63100000",
    )


@pytest.fixture
def other_provider(street):
    return Partner.objects.create(name="鼓楼街道社区卫生服务中心", code="gulou-health", street=street)


@pytest.fixture
def make_user(db):
    from django.contrib.auth import get_user_model

    User = get_user_model()

    def make(email="resident@example.com", name="张三", phone="13812345678", **extra):
        return User.objects.create_user(email=email, password=PASSWORD, name=name, phone=phone, **extra)

    return make


@pytest.fixture
def admin_user(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("admin@example.com", PASSWORD, name="区管理员")


@pytest.fixture
def resident(make_user):
    return make_user()


@pytest.fixture
def other_resident(make_user):
    return make_user(email="lisi@example.com", name="李四", phone="13987654321")


@pytest.fixture
def service(sector):
    return create_service(
        "免费法律咨询",
        sector,
        summary="社区律师一对一免费解答法律问题",
        description="婚姻家庭、劳动争议、邻里纠纷等法律问题咨询。",
        cancel_until_hours=2,
        max_active_per_resident=2,
    )


@pytest.fixture
def offering(service, provider):
    return add_offering(service, provider, Decimal("0.00"))


@pytest.fixture
def make_slot(db):
    def make(offering, starts_in=timedelta(days=1), capacity=3, length=timedelta(minutes=30), **extra):
        starts_at = (timezone.now() + starts_in).replace(second=0, microsecond=0)
        return Slot.objects.create(
            offering=offering, starts_at=starts_at, ends_at=starts_at + length, capacity=capacity, **extra
        )

    return make


@pytest.fixture
def slot(make_slot, offering):
    return make_slot(offering)


@pytest.fixture
def home_page(db):
    from wagtail.models import Page, Site

    from cms.models import HomePage

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="盘龙区公共服务云超市", slug="test-home"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    return home


@pytest.fixture
def service_page(home_page, sector, service):
    from cms.models import SectorIndexPage, ServicePage

    sector_page = home_page.add_child(instance=SectorIndexPage(title=sector.name, slug=sector.slug, category=sector))
    return sector_page.add_child(
        instance=ServicePage(
            title=service.title, slug="free-legal-consultation", product=service, summary=service.summary
        )
    )


# Provider staff and bookings on the day (check-in, console)


# The hour the tests that need "later today" run at: early enough in the local day for hours of slots ahead.
DAYTIME = time(10)


@pytest.fixture
def daytime():
    """The clock at 10:00 Asia/Shanghai on today's local date, running on from there (``tick``).

    Tests of "today" (a check-in on the slot's day, the console's list of the day) need a slot
    later today, and late in the evening there is none: a slot an hour ahead is tomorrow. A module
    of such tests says ``pytestmark = pytest.mark.usefixtures("daytime")``: a mark is set up before
    the test's own fixtures, so nothing they write is stamped later than the test's "now".
    """
    import time_machine

    zone = timezone.get_default_timezone()
    today = timezone.localtime(timezone.now(), zone).date()
    with time_machine.travel(datetime.combine(today, DAYTIME, tzinfo=zone), tick=True) as traveller:
        yield traveller


def until_local(days, hour, minute=0):
    """From now to ``hour``:``minute`` local time ``days`` days from today: a start on a known
    local day whatever the hour the tests run at (offsets from now cross midnight late at night).

    "Today" and "now" are read once, together: read apart, a test started a moment before
    midnight would get a start a day later than it meant.
    """
    zone = timezone.get_default_timezone()
    now = timezone.now()
    day = timezone.localtime(now, zone).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=zone) - now


def later_today(room=timedelta(minutes=1)):
    """A start later today (local time), so a check-in now is on the slot's day; ``room``: how
    much later than it a test still needs today (the test itself takes a moment too).

    Only the ``daytime`` clock makes sure there is such a start: late in the evening there is none.
    """
    from marketplace.booking import services

    now = timezone.now()
    # Online booking needs the start past the service's minimum notice (30 minutes by default).
    for ahead in (timedelta(hours=1), timedelta(minutes=35)):
        if services.local_day(now + ahead + room) == services.local_day(now):
            return ahead
    pytest.fail(
        f"no room for a slot later today at {timezone.localtime(now, timezone.get_default_timezone()):%H:%M} "
        "Asia/Shanghai: run the test on the `daytime` clock "
        '(pytestmark = pytest.mark.usefixtures("daytime"), or the fixture itself)'
    )


def ended_booking(user, make_slot, offering, ended_ago=timedelta(hours=3), status="booked"):
    """A booking on a slot that is already over (booked earlier, when it was still ahead)."""
    from marketplace.booking import services
    from marketplace.booking.models import Booking

    slot = make_slot(offering, starts_in=-ended_ago)
    booking = services.book(user, slot.pk, now=slot.starts_at - timedelta(hours=1))
    if status != booking.status:
        Booking.objects.filter(pk=booking.pk).update(status=status)
        booking.refresh_from_db()
    return booking


@pytest.fixture
def rated_visit(make_slot):
    """rated_visit(user, offering, stars, …): a checked-in visit on a slot of its own, rated ``ago`` before now."""
    from ratings import services as ratings

    taken = set()

    def make(user, offering, stars, tags=(), comment="", ago=timedelta(hours=1)):
        # Many visits by one resident close together: the limit of upcoming bookings is not what is tested here.
        type(offering.product).objects.filter(pk=offering.product_id).update(max_active_per_resident=0)
        # Slots are unique by offering and start minute. Choose the start itself, not an offset from a
        # "now" that moves on: two offsets a minute apart land on one minute when the clock turns between them.
        starts_at = (timezone.now() - ago - timedelta(hours=1)).replace(second=0, microsecond=0)
        while (offering.pk, starts_at) in taken:
            starts_at -= timedelta(minutes=1)
        taken.add((offering.pk, starts_at))
        booking = ended_booking(user, make_slot, offering, ended_ago=timezone.now() - starts_at, status="checked_in")
        return ratings.rate_visit(user, booking.code, stars, tags, comment, now=timezone.now() - ago)

    return make


@pytest.fixture
def staff(make_user, provider):
    user = make_user(email="staff@tuodong.example", name="王工作人员", phone="13700000001")
    provider.users.add(user)
    return user


@pytest.fixture
def other_staff(make_user, other_provider):
    user = make_user(email="staff@gulou.example", name="赵工作人员", phone="13700000002")
    other_provider.users.add(user)
    return user


@pytest.fixture
def today_booking(daytime, resident, make_slot, offering):
    """The resident's booking of a slot later today, on the ``daytime`` clock."""
    from marketplace.booking import services

    return services.book(resident, make_slot(offering, starts_in=later_today()).pk)


# The settings modules as a fresh process would load them (tests/test_fail_closed.py)

# Every variable the tests of settings set, cleared first so the runner's own environment leaks into none.
SETTINGS_ENVIRONMENT = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "PAYMENT_GATEWAY_URL",
    "PAYMENT_GATEWAY_SECRET",
    "PERSONAL_DATA_KEY",
    "PERSONAL_DATA_HASH_KEY",
    "PAYMENT_GATEWAY_PAGE_ORIGINS",
    "PAYMENT_SANDBOX_ALLOWED",
    "VIDEO_ROOM_PROVIDER",
    "VIDEO_ROOM_URL",
    "VIDEO_SANDBOX_ALLOWED",
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "DATABASE_URL",
)


@pytest.fixture
def load_settings(monkeypatch):
    """load_settings("production", **environment): that settings module as a server started with this
    environment would load it; the running tests' own settings are left as they were."""
    import importlib
    import sys

    def load(name, **environment):
        for key in SETTINGS_ENVIRONMENT:
            monkeypatch.delenv(key, raising=False)
        for key, value in environment.items():
            monkeypatch.setenv(key, value)
        # Both are read again (base reads the environment at import); the old modules come back afterwards.
        for module in ("marketplace.settings.base", f"marketplace.settings.{name}"):
            if module in sys.modules:
                monkeypatch.delitem(sys.modules, module)
        package = importlib.import_module("marketplace.settings")
        for attribute in ("base", name):
            if hasattr(package, attribute):
                monkeypatch.setattr(package, attribute, getattr(package, attribute))
        return importlib.import_module(f"marketplace.settings.{name}")

    return load
