"""The demo's history makes a meaningful street index and service-circle map, and stays put on a re-run.

The demo is loaded once for the module (about a minute); each test runs in
its own transaction on top of it.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings
from django.utils import timezone

from cms import demo_data
from cms.management.commands.seed_demo import seed_all
from cms.models import Menu, MenuItem
from marketplace.order.models import Booking
from providers.geo import great_circle_metres
from providers.models import Community, Slot
from ratings import services as rating_services
from ratings.models import FollowUpCase, Rating
from streetindex.models import CoverageCell, CoverageRun, IndexFigure, IndexRun
from streetindex.periods import local_today, month_of

User = get_user_model()

pytestmark = pytest.mark.django_db

OLD_TOWN = {"tuodong", "gulou", "donghua"}
NORTH = {"ciba", "shuanglong", "songhua", "dianyuan", "aziying"}


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        yield seed_all()
        transaction.set_rollback(True)


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


def test_the_running_month_and_the_quarter_have_data_too():
    today = local_today()
    for period_start in (month_of(today).start, month_of(today).previous().start):
        run = IndexRun.objects.get(granularity=IndexRun.Granularity.MONTH, period_start=period_start)
        assert run.figures.filter(level=IndexFigure.Level.STREET, bookings__gt=0).count() >= 7
    assert IndexRun.objects.filter(granularity=IndexRun.Granularity.QUARTER).exists()


def test_the_service_circle_has_covered_and_uncovered_communities():
    run = CoverageRun.objects.latest()
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
    assert poor.exists() and not poor.filter(case__isnull=True).exists()
    assert not ratings.filter(stars__gt=2, case__isnull=False).exists()
    cases = FollowUpCase.objects.all()
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
    case = FollowUpCase.objects.get(rating__booking__user=zhang_li)
    assert case.status == FollowUpCase.Status.ANSWERED
    assert rating_services.confirm_case(zhang_li, case.pk, True).status == FollowUpCase.Status.RESOLVED


def test_the_main_menu_links_the_index_and_the_service_circle():
    urls = set(MenuItem.objects.filter(menu__slug="main").values_list("link_url", flat=True))
    assert {"/index/", "/index/coverage/"} <= urls


def test_a_rerun_adds_no_history_and_fills_in_what_an_older_demo_lacks():
    bookings, ratings, cases = Booking.objects.count(), Rating.objects.count(), FollowUpCase.objects.count()
    # an older demo database: communities without residents or centre, a main menu without the index links
    Community.objects.filter(street__slug="tuodong").update(population=None, latitude=None, longitude=None)
    MenuItem.objects.filter(menu__slug="main", link_url__startswith="/index/").delete()
    edited = Community.objects.get(slug="gulou-gulou")
    edited.population = 12_345
    edited.save()

    created = seed_all()

    assert created["past bookings"] == created["ratings"] == created["demo residents"] == 0
    assert (Booking.objects.count(), Rating.objects.count(), FollowUpCase.objects.count()) == (bookings, ratings, cases)
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
