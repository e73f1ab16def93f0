"""``manage.py seed_demo``: the demo district, loaded twice, is the same district; its site reads in
Chinese; its history makes a meaningful street index and service-circle map.

The demo is loaded once for the module (a minute on a slow machine, and the same on every load);
each test runs in its own transaction on top of it, so what one test changes the next never sees.
"""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from oscar.core.loading import get_model
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site
from wagtailmedia.models import get_media_model

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
from demo.management.commands.seed_demo import LOCAL_TZ, seed_all
from marketplace.audit.models import Action
from marketplace.booking import services as booking_services
from marketplace.booking.models import Booking
from marketplace.booking.services import book
from marketplace.notifications.models import Notice
from providers.geo import great_circle_metres
from providers.models import CalendarDay, Community, ScheduleRule, Slot, Street
from ratings import services as rating_services
from ratings.models import Rating
from ratings.services import follow_ups
from streetindex.coverage import compute_coverage
from streetindex.models import CoverageCell, IndexFigure, IndexRun
from streetindex.periods import local_today, month_of, quarter_of

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
User = get_user_model()

pytestmark = pytest.mark.django_db

OLD_TOWN = {"tuodong", "gulou", "donghua"}
NORTH = {"ciba", "shuanglong", "songhua", "dianyuan", "aziying"}

SECTOR_SLUGS = ["education", "health", "legal", "social-security", "culture"]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def seed():
    out = StringIO()
    call_command("seed_demo", "--i-know-this-is-a-demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """What the first ``manage.py seed_demo`` printed. Its pictures and recordings are stored as
    uploads, in a directory of the module's own."""
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


def snapshot():
    """Everything a re-run could touch, down to each slot's and page's state."""
    return {
        "streets": list(Street.objects.values_list("pk", "slug", "name", "position")),
        "communities": list(Community.objects.values_list("pk", "slug", "street_id")),
        "categories": list(Category.objects.values_list("pk", "path", "slug")),
        "providers": list(Partner.objects.values_list("pk", "code", "street_id", "community_id")),
        "services": list(Product.objects.values_list("pk", "slug", "title", "description", "date_updated")),
        "offerings": list(StockRecord.objects.values_list("pk", "product_id", "partner_id", "price")),
        "slots": list(
            Slot.objects.order_by("pk").values_list(
                "pk", "offering_id", "starts_at", "capacity", "num_booked", "is_open"
            )
        ),
        "users": list(User.objects.order_by("pk").values_list("pk", "email", "password", "is_staff")),
        "pages": list(Page.objects.order_by("path").values_list("pk", "path", "slug", "live", "latest_revision_id")),
        "sites": list(Site.objects.values_list("pk", "root_page_id", "is_default_site")),
        "bookings": list(Booking.objects.values_list("pk", "slot_id", "status")),
        "weekly plans": list(ScheduleRule.objects.order_by("pk").values_list("pk", "offering_id", "capacity")),
        "images": list(get_image_model().objects.order_by("pk").values_list("pk", "title", "description", "file")),
        "documents": list(get_document_model().objects.order_by("pk").values_list("pk", "title", "file")),
        "media": list(get_media_model().objects.order_by("pk").values_list("pk", "title", "type", "file")),
        "duty shifts": list(DutyShift.objects.order_by("pk").values_list("pk", "page_id", "weekday", "role", "name")),
        "featured": list(FeaturedService.objects.order_by("pk").values_list("pk", "page_id", "service_id")),
        "menu items": list(MenuItem.objects.order_by("pk").values_list("pk", "menu__slug", "link_page_id", "link_url")),
        "settings": list(SiteSettings.objects.values_list("pk", "site_id", "hotline", "footer_text", "share_image_id")),
        "memberships": list(User.groups.through.objects.order_by("pk").values_list("pk", "user_id", "group_id")),
    }


def local_dates(slots):
    return {timezone.localtime(starts_at, LOCAL_TZ).date() for starts_at in slots.values_list("starts_at", flat=True)}


def test_seed_demo_loads_panlong_and_a_second_run_changes_nothing(client, demo):
    output = demo

    # places and sectors
    assert Street.objects.count() == 12
    assert Street.objects.get(slug="tuodong").name == "拓东街道"
    assert Community.objects.count() == 103
    roots = Category.get_root_nodes()
    assert sorted(roots.values_list("slug", flat=True)) == sorted(SECTOR_SLUGS)
    for root in roots:
        assert 3 <= root.get_children_count() <= 5

    # providers and services
    assert Partner.objects.count() >= 25
    assert set(Partner.objects.values_list("kind", flat=True)) >= {
        "legal_station",
        "health_centre",
        "school",
        "social_security",
        "library",
        "culture_hall",
    }
    services = Product.objects.filter(slug__in=[spec.slug for spec in demo_data.SERVICES])
    assert services.count() == len(demo_data.SERVICES) >= 60
    assert services.filter(stockrecords__price__gt=0).distinct().count() >= 8
    coding = StockRecord.objects.get(product__slug="youth-coding-class", partner__code="youth-centre")
    assert (coding.price, coding.price_currency) == (30, "CNY")
    consultation = Product.objects.get(slug="free-legal-consultation")
    assert consultation.stockrecords.count() >= 3
    assert consultation.sector.slug == "legal"
    assert "所需材料" in consultation.description and "办理流程" in consultation.description

    # slots: today and the next 13 days, one-to-one consultations and lectures for thirty
    # (the past ones are the demo's history: the tests further down)
    today = timezone.localdate(timezone=LOCAL_TZ)
    slots = Slot.objects.filter(starts_at__gt=timezone.now())
    dates = local_dates(slots)
    holidays = set(CalendarDay.objects.filter(kind=CalendarDay.Kind.HOLIDAY).values_list("date", flat=True))
    assert {today + timedelta(days=n) for n in range(1, 14)} - holidays <= dates
    # the last of the fourteen days with slots: plans make none on a holiday (today + 13 may be 1 October)
    assert max(dates) == max(today + timedelta(days=n) for n in range(14) if today + timedelta(days=n) not in holidays)
    # every place ahead is free but the demo resident's online consultation (the history is in the past);
    # the school's lecture session (法律九进) is its audience's, closed to online booking
    sessions = slots.filter(outreach_matter__isnull=False)
    assert sessions.count() == 1 and not sessions.filter(is_open=True).exists()
    assert slots.filter(num_booked=0, is_open=True).count() == slots.count() - 1 - sessions.count()
    assert slots.exclude(num_booked=0).get().offering.product.slug == "online-legal-consultation"
    assert slots.filter(offering__product__slug="free-legal-consultation", capacity=1).exists()
    assert slots.filter(offering__product__slug="law-lecture", capacity=30).exists()
    assert not slots.filter(offering__product__slug="free-legal-consultation").exclude(capacity=1).exists()
    # …made by the generator from each offering's weekly plans, some with places held for the counter
    consultation_plans = ScheduleRule.objects.filter(offering__product__slug="free-legal-consultation")
    assert consultation_plans.count() == 2 * consultation.stockrecords.count()  # morning and afternoon
    assert slots.filter(offering__product__slug="elderly-health-checkup", counter_capacity=2, capacity=8).exists()
    assert not slots.exclude(offering__schedule_rules__isnull=False).exists()
    # the free over-65 check-up carries its real rules: 张丽, 68, of 拓东社区, may book it; a younger resident not
    checkup = slots.filter(offering__product__slug="elderly-health-checkup").first()
    assert sorted(checkup.offering.product.eligibility_rules.values_list("kind", flat=True)) == [
        "age",
        "per_year",
        "residence",
    ]
    zhang_li = User.objects.get(email="resident@example.com")
    booking_services.ensure_eligible(zhang_li, checkup)
    young = User.objects.filter(email__startswith="resident-", birth_date__year__gt=1990).first()
    with pytest.raises(booking_services.NotEligible):
        booking_services.ensure_eligible(young, checkup)

    # pages: the home page is the default site's root, the welcome page is gone
    home = HomePage.objects.get()
    site = Site.objects.get(is_default_site=True)
    assert (site.root_page_id, site.hostname, site.port, site.site_name) == (
        home.pk,
        "localhost",
        80,
        "盘龙区公共服务云超市",
    )
    assert Page.objects.filter(depth=2).count() == 1
    sector_pages = SectorIndexPage.objects.child_of(home)
    assert sorted(sector_pages.values_list("slug", flat=True)) == sorted(SECTOR_SLUGS)
    for sector_page in sector_pages:
        assert sector_page.category.slug == sector_page.slug
        for page in ServicePage.objects.child_of(sector_page):
            assert page.product.sector.slug == sector_page.slug
    assert ServicePage.objects.count() == services.count()
    assert set(ServicePage.objects.values_list("slug", flat=True)) == set(services.values_list("slug", flat=True))
    assert not Page.objects.filter(depth__gt=1, live=False).exists()
    assert client.get("/legal/free-legal-consultation/").status_code == 200

    # people
    admin = User.objects.get(email="admin@example.com")
    assert admin.is_staff and admin.is_superuser
    staff = User.objects.get(email="tuodong-legal@example.com")
    assert staff.partners.filter(code="tuodong-legal").exists()
    assert not staff.is_staff and not staff.has_perm("partner.dashboard_access")
    assert Partner.objects.filter(users__isnull=False).distinct().count() >= 3
    for email in ("resident@example.com", "admin@example.com", "tuodong-legal@example.com"):
        assert client.login(email=email, password=demo_data.DEMO_PASSWORD), email
        client.logout()
    assert "services" in output and "(+64)" in output

    # a resident books a one-to-one consultation; a provider closes and removes slots
    resident = User.objects.get(email="resident@example.com")
    resident.set_password("changed-by-zhang-li")
    resident.save()
    booked_slot = slots.filter(
        offering__product__slug="free-legal-consultation", starts_at__gt=timezone.now() + timedelta(days=1)
    ).first()
    booking = book(resident, booked_slot.pk)
    day = timezone.localtime(booked_slot.starts_at, LOCAL_TZ).date()
    day_slots = slots.filter(offering=booked_slot.offering, starts_at__date=day).exclude(pk=booked_slot.pk)
    closed = day_slots[0]
    Slot.objects.filter(pk=closed.pk).update(is_open=False)
    ScheduleRule.objects.filter(offering=booked_slot.offering).update(capacity=2)

    before = snapshot()
    output = seed()
    assert snapshot() == before
    assert "(+64)" not in output

    booked_slot.refresh_from_db()
    assert booked_slot.num_booked == 1
    assert Booking.objects.get(pk=booking.pk).status == "booked"
    assert not Slot.objects.get(pk=closed.pk).is_open
    assert set(ScheduleRule.objects.filter(offering=booked_slot.offering).values_list("capacity", flat=True)) == {2}
    assert client.login(email="resident@example.com", password="changed-by-zhang-li")

    # a later day's run opens one more day and leaves the rest alone (the day after tomorrow's run when
    # the day it would open is a holiday, and so on)
    ahead = 1
    while today + timedelta(days=13 + ahead) in holidays:
        ahead += 1
    created = seed_all(now=timezone.now() + timedelta(days=ahead))
    assert created["slots"] > 0
    assert sum(created.values()) == created["slots"]
    new_slots = Slot.objects.exclude(pk__in=[row[0] for row in before["slots"]])
    assert local_dates(new_slots) == {today + timedelta(days=13 + ahead)}
    assert snapshot()["slots"][: len(before["slots"])] == before["slots"]


def page_text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_demo_site_reads_in_chinese_and_is_searchable(client):
    from search.services import ServiceQuery, search_services, suggest

    # every page type is there, live, in Chinese, and the tree is sound
    for model in (
        HomePage,
        SectorIndexPage,
        ServicePage,
        ArticleIndexPage,
        ArticlePage,
        CommunityIndexPage,
        CommunityPage,
        StandardPage,
    ):
        pages = model.objects.all()
        assert pages.exists() and not pages.filter(live=False).exists(), model
        assert all(CHINESE.search(title) for title in pages.values_list("title", flat=True)), model
    assert not any(Page.find_problems())
    # The home page shows the site's own illustration, not a generated placeholder picture.
    home = HomePage.objects.get()
    assert home.hero_image is None

    # the home page: featured services, the latest notices, the station chooser, menus and settings
    text = page_text(client, "/")
    for slug in demo_data.FEATURED_SERVICES:
        assert ServicePage.objects.get(slug=slug).title in text
    notices = ArticlePage.objects.filter(kind=ArticlePage.Kind.NOTICE).order_by("-date")
    assert notices.count() >= 3
    assert text.index(notices[0].title) < text.index(notices[1].title)
    assert 'id="community-choice"' in text and "金马社区" in text
    for title in ("法律服务", "医疗健康", "新闻动态", "社区服务站"):
        assert f">{title}</a>" in text, title
    assert 'href="tel:12348"' in text and "12348 法律服务热线" in text
    assert demo_data.SITE_SETTINGS["footer_text"] in text and "关于云超市" in text and "隐私说明" in text
    assert not SiteSettings.objects.get().record_number

    # news: three kinds, dated back from today, with tags and pictures described for screen readers
    articles = ArticlePage.objects.all()
    assert articles.count() == len(demo_data.ARTICLES) >= 9
    assert set(articles.values_list("kind", flat=True)) == set(ArticlePage.Kind.values)
    assert max(articles.values_list("date", flat=True)) < timezone.localdate(timezone=LOCAL_TZ)
    assert all(article.feed_image and article.tags.exists() for article in articles)
    index = page_text(client, "/news/?tag=反诈")
    assert "防范养老诈骗" in index and "劳动合同常识" not in index

    # an article with a video and its transcript, and the service to book after reading
    text = page_text(client, "/news/three-officers-one-lawyer/")
    assert "<video" in text and "duty-team-intro" in text and "轮流值班" in text
    assert f'href="{ServicePage.objects.get(slug="free-legal-consultation").url}"' in text
    text = page_text(client, "/news/elderly-fraud-prevention/")
    assert "<audio" in text and "不泄露验证码" in text
    assert 'href="/legal/elderly-anti-fraud-lecture/"' in text
    media = get_media_model().objects.all()
    assert set(media.values_list("type", flat=True)) == {"audio", "video"}
    assert all(item.duration > 0 and item.file.size < 100_000 for item in media)

    # every picture has alt text, and every picture on the pages says it
    assert not get_image_model().objects.filter(description="").exists()
    for url in ("/", "/news/", "/news/five-networks/"):
        for tag in re.findall(r"<img [^>]*>", page_text(client, url)):
            assert re.search(r'alt="[^"]+"', tag), (url, tag)

    # a community station and its 三官一律师 on duty on four different days
    page = CommunityPage.objects.get(community__slug="tuodong-jinma")
    assert page.station_name == "金马社区党群服务中心" and page.phone.startswith("0871-")
    assert page.latitude and page.longitude
    shifts = list(page.duty_shifts.all())
    assert {shift.role for shift in shifts} == set(DutyShift.Role.values)
    assert len({shift.weekday for shift in shifts}) == 4
    text = page_text(client, page.url)
    assert page.address in text and page.hours in text
    for shift in shifts:
        assert shift.name in text and shift.hours in text
    assert CommunityPage.objects.count() == 103 == DutyShift.objects.values("page").distinct().count()
    assert "金马社区" in page_text(client, "/communities/")

    # service guides: the law they rest on, questions, a form to print, and how else to get the service
    aid = ServicePage.objects.get(slug="legal-aid-guidance")
    assert [block.block_type for block in aid.guide].count("legal_basis") == 1
    text = page_text(client, aid.url)
    assert "《中华人民共和国法律援助法》" in text and "哪些人可以申请法律援助" in text
    document = get_document_model().objects.get()
    assert document.url in text and "法律援助申请材料清单" in text
    assert "12348" in ServicePage.objects.get(slug="people-mediation").other_ways
    assert "《国家基本公共卫生服务规范" in page_text(client, "/health/elderly-health-checkup/")
    assert all(page.other_ways for page in ServicePage.objects.all())

    # plain pages
    assert "五网共享" in page_text(client, "/about/")
    assert "138****5678" in page_text(client, "/privacy/")
    assert "WCAG" in page_text(client, "/accessibility/")

    # demo editors write where their group allows, the moderator approves
    groups = {
        email: set(User.objects.get(email=email).groups.values_list("name", flat=True))
        for email in ("editor@example.com", "health-editor@example.com", "news-editor@example.com")
    }
    assert groups["editor@example.com"] == {editorial.EDITORS, "法律服务编辑"}
    assert groups["health-editor@example.com"] == {editorial.EDITORS, "医疗健康编辑"}
    assert groups["news-editor@example.com"] == {editorial.EDITORS, editorial.NEWS_EDITORS}
    moderator = User.objects.get(email="moderator@example.com")
    assert list(moderator.groups.values_list("name", flat=True)) == [editorial.MODERATORS]
    assert client.login(email="health-editor@example.com", password=demo_data.DEMO_PASSWORD)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200

    # the services can be found in Chinese and pinyin
    assert "免费法律咨询" in [hit.product.title for hit in search_services(ServiceQuery(q="法律咨询")).hits[:3]]
    assert search_services(ServiceQuery(q="律")).count > 1
    assert any("法律" in product.title for product in suggest("falv"))


# The demo's history: the street index, the service circle, ratings and cases


def previous_month_streets():
    run = IndexRun.objects.get(
        granularity=IndexRun.Granularity.MONTH, period_start=month_of(local_today()).previous().start
    )
    figures = {
        figure.street.slug: figure
        for figure in run.figures.filter(level=IndexFigure.Level.STREET).select_related("street")
    }
    return run, figures


def test_every_community_has_residents_and_the_centre_of_its_station():
    centres = {station.community: station for station in demo_data.stations()}
    communities = list(Community.objects.select_related("street"))
    assert len(communities) == 103
    for community in communities:
        station = centres[community.slug]
        assert community.population
        assert (str(community.latitude), str(community.longitude)) == (station.latitude, station.longitude)
    assert 800_000 <= sum(community.population for community in communities) <= 990_000
    per_community = {
        street: sum(c.population for c in communities if c.street.slug == street)
        / sum(1 for c in communities if c.street.slug == street)
        for street in ("tuodong", "gulou", "longquan", "songhua", "aziying")
    }
    assert min(per_community["tuodong"], per_community["gulou"], per_community["longquan"]) > 2 * max(
        per_community["songhua"], per_community["aziying"]
    )


def test_the_previous_month_is_ranked_and_the_ranking_follows_the_designed_differences():
    run, figures = previous_month_streets()
    assert run.ranked
    ranked = {slug: figure for slug, figure in figures.items() if figure.rank is not None}
    assert len(ranked) >= 6 and set(ranked) >= OLD_TOWN | {"jinchen", "qingyun"}
    # the north has too few bookings to rank, and says so
    for slug in NORTH:
        assert figures[slug].rank is None
        assert figures[slug].unranked_reason == IndexFigure.Unranked.FEW_BOOKINGS
        assert figures[slug].ended_bookings < run.min_bookings
    # every ranked street shows a satisfaction average (at least the minimum sample of ratings)
    assert all(figure.ratings >= run.min_sample and figure.average_stars for figure in ranked.values())

    def no_show_rate(figure):
        return figure.no_shows / figure.ended_bookings

    # 金辰: the no-show street; 青云: the poorly rated street with slow cases
    assert max(ranked.values(), key=no_show_rate) == ranked["jinchen"]
    assert no_show_rate(ranked["jinchen"]) > 0.2
    assert min(ranked.values(), key=lambda figure: figure.average_stars) == ranked["qingyun"]
    assert ranked["qingyun"].average_stars < 3.2
    assert ranked["qingyun"].cases_opened >= 3
    # the old town leads; 金辰 and 青云 come after all of it
    by_rank = sorted(ranked.values(), key=lambda figure: figure.rank)
    assert by_rank[0].street.slug in OLD_TOWN
    assert min(ranked["jinchen"].rank, ranked["qingyun"].rank) > max(ranked[slug].rank for slug in OLD_TOWN)
    assert max(ranked.values(), key=lambda figure: figure.components["coverage"]).street.slug in OLD_TOWN
    # 龙泉's health centre cancelled sessions itself: fulfilment falls well below showing up there
    longquan = ranked["longquan"]
    assert longquan.provider_cancelled > 0
    assert longquan.components["fulfilment"] < longquan.components["no_shows"] - 5


def test_the_previous_month_shows_demands_closed_on_time_and_escalations(client):
    run, figures = previous_month_streets()
    # The grid worker's demands: done on time by 拓东's station, late by 青云's (escalated first), sent back by
    # the social security window (联盟) and done by the district's centre (鼓楼). Early in a month the running
    # month's first demands (six and ten days old) are the previous month's too.
    tuodong, qingyun, gulou, lianmeng = (figures[slug] for slug in ("tuodong", "qingyun", "gulou", "lianmeng"))
    assert tuodong.demands_on_time in (1, 2) and tuodong.components["demands_on_time"] == 100
    assert qingyun.demands_late == 1 and qingyun.components["demands_on_time"] <= 50
    assert gulou.demands_on_time == 1 and lianmeng.demands_returned == 1
    assert run.weights["demands_on_time"] and run.weights["escalations"]
    assert qingyun.matters_escalated >= 1 and qingyun.components["escalations"] < 100
    streets = client.get("/api/v1/index/streets", {"period": run.label}).json()["streets"]
    by_slug = {street["street"]["slug"]: street for street in streets}
    assert by_slug["qingyun"]["components"]["demands_on_time"] == round(qingyun.components["demands_on_time"], 1)
    assert by_slug["donghua"]["missing"].get("demands_on_time") == "no_demands"


def test_the_running_month_and_the_quarter_have_data_too():
    today = local_today()
    previous = month_of(today).previous()
    # The running month is computed too, but on its first day (or after the National Day week) it has had
    # no visits yet; the previous month and its quarter always lie within the history.
    assert IndexRun.objects.filter(granularity=IndexRun.Granularity.MONTH, period_start=month_of(today).start).exists()
    for granularity, period in (
        (IndexRun.Granularity.MONTH, previous),
        (IndexRun.Granularity.QUARTER, quarter_of(previous.start)),
    ):
        run = IndexRun.objects.get(granularity=granularity, period_start=period.start)
        assert run.figures.filter(level=IndexFigure.Level.STREET, bookings__gt=0).count() >= 7


def test_the_demo_publishes_its_past_periods_and_leaves_the_running_ones_to_review(client):
    today = local_today()
    previous = month_of(today).previous()
    for granularity, period in (
        (IndexRun.Granularity.MONTH, previous),
        (IndexRun.Granularity.QUARTER, quarter_of(today).previous()),
    ):
        assert IndexRun.objects.get(granularity=granularity, period_start=period.start).published_at is not None
    running = IndexRun.objects.get(granularity=IndexRun.Granularity.MONTH, period_start=month_of(today).start)
    assert running.published_at is None
    quarter = IndexRun.objects.get(granularity=IndexRun.Granularity.QUARTER, period_start=quarter_of(today).start)
    assert quarter.published_at is None
    # the public opens on the published month; the running month is not public until reviewed
    assert client.get("/api/v1/index/streets").json()["period"] == previous.label
    assert client.get("/api/v1/index/streets", {"period": running.label}).status_code == 404
    client.login(email="admin@example.com", password=demo_data.DEMO_PASSWORD)
    assert running.label in client.get("/index/review/").content.decode()


def test_the_service_circle_has_covered_and_uncovered_communities():
    # The circle counts the open slots of the SERVICE_CIRCLE_DAYS after it is computed: the demo's, computed in
    # the Spring Festival, covers nothing. So it is computed again as of just before the first open slot.
    with transaction.atomic():
        first = Slot.objects.open_future(timezone.now()).earliest("starts_at").starts_at
        check_service_circle(compute_coverage(now=first - timedelta(minutes=1)))
        transaction.set_rollback(True)


def check_service_circle(run):
    cells = CoverageCell.objects.filter(run=run)
    assert cells.count() == 103 * 5
    covered = cells.filter(covered=True)
    assert 0 < covered.count() < cells.count()
    # a covered cell's nearest provider really is inside the circle, measured from the community's centre
    cell = covered.select_related("community", "nearest_partner").first()
    assert (
        great_circle_metres(
            cell.community.latitude,
            cell.community.longitude,
            cell.nearest_partner.latitude,
            cell.nearest_partner.longitude,
        )
        <= run.radius_metres
    )
    share = {
        row["community__street__slug"]: row["covered"] / row["cells"]
        for row in cells.values("community__street__slug").annotate(
            cells=Count("pk"), covered=Count("pk", filter=Q(covered=True))
        )
    }
    # the northern streets are outside the circle for most sectors
    assert all(share[slug] < 0.25 for slug in NORTH)
    assert share["tuodong"] > 0.4


def test_ratings_and_cases_are_what_the_services_produce():
    ratings = Rating.objects.select_related("booking__slot")
    assert ratings.count() > 300
    assert not ratings.exclude(booking__status=Booking.Status.CHECKED_IN).exists()
    for rating in ratings:
        assert rating.booking.slot.ends_at < rating.created_at <= rating_services.rating_deadline(rating.booking)
    poor = ratings.filter(stars__lte=2)
    assert poor.exists() and not poor.filter(matter__isnull=True).exists()
    assert not ratings.filter(stars__gt=2, matter__isnull=False).exists()
    cases = follow_ups().all()
    statuses = set(cases.values_list("status", flat=True))
    assert {"resolved", "unresolved", "lapsed", "open"} <= statuses
    assert any(rating_services.is_overdue(case) for case in cases.filter(status="open"))
    assert not cases.filter(status__in=["resolved", "unresolved", "lapsed"], closed_at__isnull=True).exists()
    # one rating hidden by the moderator, the reason kept
    moderator = User.objects.get(email="moderator@example.com")
    assert rating_services.is_moderator(moderator)
    hidden = Rating.objects.get(hidden_at__isnull=False)
    assert hidden.hidden_by == moderator and hidden.hidden_reason
    # each past slot took exactly its bookings' places, and every past booking ended as a visit or a no-show
    past = Slot.objects.filter(ends_at__lt=timezone.now()).annotate(
        taken=Count("bookings", filter=~Q(bookings__status=Booking.Status.CANCELLED))
    )
    assert past.count() > 500 and not [slot for slot in past if slot.num_booked != slot.taken]
    past_bookings = Booking.objects.filter(slot__ends_at__lt=timezone.now())
    assert set(past_bookings.values_list("status", flat=True)) == {"checked_in", "no_show", "cancelled"}
    # The only cancellations are 龙泉's health centre's own: fulfilment counts them, the no-show rate does not.
    cancelled = past_bookings.filter(status=Booking.Status.CANCELLED)
    assert set(cancelled.values_list("cancelled_by", flat=True)) == {Booking.CancelledBy.PROVIDER}
    assert set(cancelled.values_list("slot__offering__partner__street__slug", flat=True)) == {"longquan"}
    assert not past_bookings.filter(created_at__gte=timezone.now() - timedelta(minutes=1)).exists()


def test_the_demo_resident_has_a_visit_to_rate_and_a_case_to_confirm():
    zhang_li = User.objects.get(email="resident@example.com")
    visits = Booking.objects.filter(user=zhang_li, status=Booking.Status.CHECKED_IN)
    assert any(rating_services.can_rate(visit) for visit in visits)
    case = follow_ups().get(rating__booking__user=zhang_li)
    assert case.status == "answered"
    assert rating_services.confirm_case(zhang_li, case.pk, True).status == "resolved"


def test_the_demo_resident_has_an_online_consultation_ahead_with_its_video_room():
    zhang_li = User.objects.get(email="resident@example.com")
    (booking,) = Booking.objects.filter(user=zhang_li, mode="online", status__in=Booking.ACTIVE)
    assert booking.slot.offering.product.title == "线上视频法律咨询"
    assert booking.slot.offering.product.mode == "online"
    assert booking.slot.starts_at > timezone.now()
    assert booking.room_status in ("pending", "ready")


def test_the_main_menu_links_the_index_and_the_service_circle():
    urls = set(MenuItem.objects.filter(menu__slug="main").values_list("link_url", flat=True))
    assert {"/index/", "/index/coverage/"} <= urls


def test_a_rerun_adds_no_history_and_fills_in_what_an_older_demo_lacks():
    bookings, ratings, cases = Booking.objects.count(), Rating.objects.count(), follow_ups().count()
    # an older demo database: communities without residents or centre, a main menu without the index links
    Community.objects.filter(street__slug="tuodong").update(population=None, latitude=None, longitude=None)
    MenuItem.objects.filter(menu__slug="main", link_url__startswith="/index/").delete()
    edited = Community.objects.get(slug="gulou-gulou")
    edited.population = 12_345
    edited.save()

    created = seed_all()

    assert created["past bookings"] == created["ratings"] == created["demo residents"] == 0
    assert (Booking.objects.count(), Rating.objects.count(), follow_ups().count()) == (bookings, ratings, cases)
    assert not Community.objects.filter(Q(population__isnull=True) | Q(latitude__isnull=True)).exists()
    assert Community.objects.get(slug="gulou-gulou").population == 12_345
    main = Menu.objects.get(slug="main")
    assert list(main.items.filter(link_url__startswith="/index/").values_list("link_url", "label")) == [
        ("/index/", "指数排行"),
        ("/index/coverage/", "十分钟服务圈"),
    ]
    assert main.items.count() == len(demo_data.MENUS["main"][1])


def test_the_demo_index_pages_show_the_ranking_and_the_circle(client):
    text = client.get("/index/").content.decode()
    assert "拓东街道" in text and "茨坝街道" in text
    assert client.get("/index/streets/tuodong/").status_code == 200
    assert client.get("/index/coverage/").status_code == 200


def test_every_sector_and_service_reads_in_english_and_is_found_by_english_words(client):
    from search.services import ServiceQuery, search_services

    for page in ServicePage.objects.select_related("product"):
        assert page.title_en and page.summary_en, page.slug
        assert (page.product.title_en, page.product.summary_en) == (page.title_en, page.summary_en)
        assert not CHINESE.search(page.title_en + page.summary_en), page.slug
    for page in SectorIndexPage.objects.select_related("category"):
        assert page.title_en and page.intro_en and page.category.name_en == page.title_en
    assert not Category.objects.filter(name_en="").exists()

    client.cookies["django_language"] = "en"
    text = client.get("/legal/").content.decode()
    assert "Free legal consultation" in text and "Legal services" in text
    with translation.override("en"):
        hits = search_services(ServiceQuery(q="legal consultation")).hits
    assert hits[0].product.slug == "free-legal-consultation"


@pytest.mark.parametrize(
    "typed, wanted",
    [
        ("被公司辞退了怎么办", "labour-dispute-consultation"),
        ("老板欠薪", "migrant-wage-legal-aid"),
        ("孩子上学", "migrant-children-enrolment"),
        ("写遗嘱", "notary-mediation"),
        ("看病", "family-doctor-signup"),
        ("残疾人补贴", "disability-subsidy"),
        ("how do I get a divorce", "family-law-consultation"),
        ("see a doctor", "family-doctor-signup"),
    ],
)
def test_the_demo_answers_needs_in_everyday_words(typed, wanted):
    from search.services import ServiceQuery, search_services

    with translation.override("en" if typed.isascii() else "zh-hans"):
        found = [hit.product.slug for hit in search_services(ServiceQuery(q=typed)).hits]
    assert wanted in found[:2], found[:5]


def test_a_rerun_gives_an_older_demos_guides_their_english():
    page = ServicePage.objects.get(slug="tai-chi")
    page.title_en = page.summary_en = ""
    page.save_revision().publish()
    page.product.refresh_from_db()
    assert page.product.title_en == ""

    seed_all()

    page.refresh_from_db()
    page.product.refresh_from_db()
    assert page.title_en == page.product.title_en == "Morning tai chi class"


# The demo's matters (事项)


def test_the_demo_has_matters_of_every_kind_in_every_status_at_several_stations_some_overdue():
    from marketplace.matters import kinds
    from marketplace.matters import services as matter_services
    from marketplace.matters.models import Matter

    matters = Matter.objects.exclude(kind=kinds.FOLLOW_UP.code)
    for kind in (kinds.LEGAL_QUESTION, kinds.MEDIATION, kinds.LEGAL_AID):
        statuses = set(matters.filter(kind=kind.code).values_list("status", flat=True))
        assert statuses == {status.code for status in kind.statuses}, kind.code
        # past their deadline, waiting for the organisation: what the queues show first, in red
        assert matter_services.district_matters(overdue=True, kind=kind.code).exists(), kind.code
    assert matters.values("organisation").distinct().count() >= 6
    assert matters.filter(submitted_at__lt=timezone.now() - timedelta(days=20)).exists()
    # references read like FW-2026-000123 and were given in the order the residents submitted
    for kind in (kinds.LEGAL_QUESTION, kinds.MEDIATION, kinds.LEGAL_AID):
        of_kind = list(matters.filter(kind=kind.code).order_by("submitted_at"))
        assert all(re.fullmatch(rf"{kind.prefix}-\d{{4}}-\d{{6}}", m.reference) for m in of_kind)
        assert [m.reference for m in of_kind] == sorted(m.reference for m in of_kind)

    # a mediation the other party declined, one agreed with its signed agreement, one ended without
    declined = matters.get(kind="mediation", status="refused", steps__action="decline")
    assert declined.steps.get(action="decline").actor_kind == kinds.OTHER_PARTY
    agreed = matters.get(kind="mediation", status="agreed")
    agreement = agreed.materials.get(kind="agreement")
    with agreement.file.open("rb") as file:
        assert file.read(5) == b"%PDF-"
    assert agreement.content_type == "application/pdf" and agreed.closed_at
    # legal aid granted with the lawyer named, one waiting for the applicant's materials
    granted = matters.get(kind="legal_aid", status="granted")
    assert "律师" in granted.steps.get(action="grant").text
    waiting = matters.get(kind="legal_aid", status="awaiting_materials")
    assert waiting.waits_for == kinds.APPLICANT and waiting.due_at > timezone.now()
    assert matter_services.required_materials(waiting) == ("id_card", "hardship_proof")
    # every step is in the timeline and the action log, with the staff member who took it
    answered = matters.filter(kind="legal_question", steps__action="answer").first()
    step = answered.steps.get(action="answer")
    assert step.actor.partners.filter(pk=step.organisation_id).exists()
    assert Action.objects.filter(matter_reference=answered.reference, action=Action.Code.MATTER_STEP).exists()
    # nothing about these past steps was sent when the seed committed
    assert not Notice.objects.filter(kind__in=[Notice.Kind.MATTER_UPDATE, Notice.Kind.MATTER_NEW]).exists()


def test_the_demo_accounts_of_the_readme_handle_matters():
    from marketplace.matters import services as matter_services
    from marketplace.matters.models import Desk

    # 拓东's lawyer sees the station's queue, an overdue question first
    lawyer = User.objects.get(email="tuodong-legal@example.com")
    queue = list(matter_services.queue_of(lawyer))
    assert queue and queue[0].is_overdue() and queue[0].organisation.code == "tuodong-legal"
    # the legal aid centre and 老王调解室 are organisations of their own, each with its staff
    for code, kind in (("district-legal-aid", "legal_aid"), ("donghua-laowang", "mediation")):
        staff = User.objects.get(email=f"{code}@example.com")
        assert Desk.objects.filter(organisation__code=code, kind=kind).exists()
        assert matter_services.queue_of(staff).filter(kind=kind).exists()
    assert Desk.objects.get(kind="legal_aid", is_default=True).organisation.name == "盘龙区法律援助中心"
    # the district supervisor reads every matter
    admin = User.objects.get(email="admin@example.com")
    assert matter_services.is_supervisor(admin) and not matter_services.is_supervisor(lawyer)
    # 张丽 has an answer to read, a mediation under way and materials to bring, and the provider's
    # answer to her poor rating to confirm (its follow-up case is one of her matters)
    zhang_li = User.objects.get(email="resident@example.com")
    assert {(m.kind, m.status) for m in matter_services.matters_of(zhang_li)} == {
        ("follow_up", "answered"),
        ("legal_question", "answered"),
        ("mediation", "in_mediation"),
        ("legal_aid", "awaiting_materials"),
    }


def test_the_demo_has_lecture_requests_of_organisations_held_scheduled_and_waiting():
    from marketplace.matters import staff_reads
    from marketplace.matters.models import Matter

    requests = Matter.objects.filter(kind="outreach_request")
    assert {m.status for m in requests} >= {"held", "scheduled", "submitted"}
    held = requests.get(status="held")
    assert held.attendance == 52 and held.session.starts_at < timezone.now() and held.reference.startswith("JJ-")
    scheduled = requests.get(status="scheduled")
    # the session is the school's: its places are the audience's, none of them online
    assert scheduled.session.starts_at > timezone.now()
    assert (scheduled.session.capacity, scheduled.session.online_capacity, scheduled.session.is_open) == (120, 0, False)
    assert any(row["held"] == 1 and row["attendance"] == 52 for row in staff_reads.outreach_by_street())


def test_the_progress_lookup_printed_by_the_seed_works(demo):
    from marketplace.matters import services as matter_services

    reference, digits = re.search(r"reference (\S+), last 4 digits (\d{4})", demo).groups()
    assert digits == "5678"
    found = matter_services.progress(reference, digits)
    assert found["status"] == "answered" and len(found["steps"]) >= 2


def test_a_rerun_adds_no_matters():
    from marketplace.matters.models import Desk, Material, Matter, MatterStep

    counts = (Matter.objects.count(), MatterStep.objects.count(), Material.objects.count(), Desk.objects.count())
    created = seed_all()
    assert created["matters"] == created["matter desks"] == created["providers"] == created["users"] == 0
    assert (
        Matter.objects.count(),
        MatterStep.objects.count(),
        Material.objects.count(),
        Desk.objects.count(),
    ) == counts


def test_the_demo_hotline_operator_of_the_readme_opens_the_workspace(client):
    from marketplace.hotline.operators import is_operator
    from providers import staff as provider_staff

    operator = User.objects.get(email="hotline@example.com")
    assert operator.check_password("Panlong-2026!")
    assert is_operator(operator) and not operator.is_staff
    assert not provider_staff.providers_of(operator).exists()
    assert not is_operator(User.objects.get(email="tuodong-legal@example.com"))
    client.force_login(operator)
    assert client.get("/hotline/").status_code == 200


def test_every_community_has_grids_and_the_demo_grid_worker_of_the_readme_walks_hers(client):
    from marketplace.grid.models import Demand, Grid, GridResident
    from marketplace.grid.workers import is_grid_worker

    per_community = dict(Community.objects.annotate(count=Count("grids")).values_list("slug", "count"))
    assert len(per_community) == 103 and set(per_community.values()) <= {2, 3, 4}
    first = Grid.objects.get(community__slug="tuodong-tuodong", number=1)
    assert first.name == "第一网格" and re.fullmatch(r"1–\d+栋", first.building_list[0])

    worker = User.objects.get(email="grid@example.com")
    assert worker.check_password("Panlong-2026!") and is_grid_worker(worker) and not worker.is_staff
    assert GridResident.objects.filter(grid__workers__user=worker, withdrawn_at__isnull=True).count() >= 3
    statuses = set(Demand.objects.filter(worker=worker).values_list("matter__status", flat=True))
    assert statuses == {"done", "dispatched", "returned"}
    client.force_login(worker)
    page = client.get("/grid/").content.decode()
    assert "拓东社区 · 第一网格" in page and "已办结" in page
    assert client.get(f"/grid/grids/{first.pk}/").status_code == 200
