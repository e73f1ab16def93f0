"""compute_period counts real bookings, ratings and cases into one snapshot per period."""

from datetime import datetime, timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.booking import services as booking_services
from marketplace.booking.models import Booking
from marketplace.grid import services as grid_services
from marketplace.grid.models import Grid, GridWorker
from marketplace.matters import services as matter_services
from marketplace.matters import supervision
from marketplace.matters.models import Desk, Supervisor
from providers.models import Slot, Street
from ratings import services as rating_services
from streetindex.compute import compute_period
from streetindex.models import CoverageCell, CoverageRun, IndexFigure, IndexRun
from streetindex.periods import parse_period
from tests.streetindex.circle_factories import CENTRE, make_community, make_provider, offer

Category = get_model("catalogue", "Category")

OCTOBER = parse_period("2026-10")
AFTER_OCTOBER = timezone.make_aware(datetime(2026, 11, 20, 12, 0))
numbers = count()


def local(*args):
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def visit(make_user):
    """A booking of a new resident on a new slot of ``offering`` at ``starts_at``, left in ``status``."""

    def make(offering, starts_at, status=Booking.Status.CHECKED_IN):
        number = next(numbers)
        user = make_user(email=f"r{number}@example.com", phone=f"139{number:08d}")
        slot = Slot.objects.create(
            offering=offering, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30), capacity=5
        )
        booking = booking_services.book(user, slot.pk, now=starts_at - timedelta(hours=2))
        Booking.objects.filter(pk=booking.pk).update(status=status)
        booking.refresh_from_db()
        return booking

    return make


def rate(booking, stars):
    return rating_services.rate_visit(booking.user, booking.code, stars, now=booking.slot.ends_at + timedelta(hours=1))


@pytest.fixture
def district(street, sector, visit, make_user, admin_user):
    """Two streets with data and one without, four providers, ratings, cases and a service circle.

    The expected counts are written beside each booking.
    """
    quiet = Street.objects.create(name="茨坝街道", slug="ciba", position=3)
    second = Street.objects.create(name="鼓楼街道", slug="gulou", position=2)
    jinma = make_community(street, "jinma", CENTRE, population=4000)
    unknown = make_community(street, "unknown", None, population=None)
    huashan = make_community(second, "huashan", None, population=2000)
    p1 = make_provider(street, "p1", community=jinma)
    p2 = make_provider(street, "p2", community=unknown)
    p3 = make_provider(second, "p3", community=huashan)
    p4 = make_provider(second, "p4")  # no community: counts for its street only
    o1, o2, o3, o4 = (offer(provider, sector) for provider in (p1, p2, p3, p4))

    day = local(2026, 10, 10, 9, 0)
    # p1: 6 bookings, all ended; 3 checked in, 1 no-show; cancelled and unpaid ones do not count.
    checked = [visit(o1, day + timedelta(hours=hour)) for hour in range(3)]
    visit(o1, day + timedelta(hours=3), Booking.Status.NO_SHOW)
    visit(o1, day + timedelta(hours=4), Booking.Status.BOOKED)  # ended, never checked in
    visit(o1, local(2026, 10, 31, 23, 30), Booking.Status.BOOKED)  # the period's last local hour
    visit(o1, day + timedelta(hours=5), Booking.Status.CANCELLED)
    # One the provider cancelled (a closure): not a booking, but a place booked and not served.
    closed = visit(o1, day + timedelta(hours=7), Booking.Status.CANCELLED)
    Booking.objects.filter(pk=closed.pk).update(cancelled_by=Booking.CancelledBy.PROVIDER)
    visit(o1, day + timedelta(hours=6), Booking.Status.PENDING_PAYMENT)
    visit(o1, local(2026, 9, 30, 23, 30))  # September (local time)
    visit(o1, local(2026, 11, 1, 0, 0))  # November
    # p1's ratings: 5 and 2 stars count; the 1-star one is hidden by a moderator.
    rate(checked[0], 5)
    poor = rate(checked[1], 2)
    hidden = rate(checked[2], 1)
    rating_services.hide_rating(admin_user, hidden.pk, "abuse", now=day + timedelta(days=1))
    # The 2-star case is answered and confirmed 10 hours after it opened.
    staff = make_user(email="staff@p1.example", phone="13700009999")
    p1.users.add(staff)
    case = poor.matter
    rating_services.answer_case(staff, case.pk, "道歉并改进", now=case.submitted_at + timedelta(hours=4))
    rating_services.confirm_case(poor.booking.user, case.pk, True, now=case.submitted_at + timedelta(hours=10))

    # p2: 2 bookings checked in, one rated 4 stars.
    rate(visit(o2, day), 4)
    visit(o2, day + timedelta(hours=1))
    # p3: 1 checked in (rated 1 star: a case still open), 1 no-show.
    rate(visit(o3, day), 1)
    visit(o3, day + timedelta(hours=1), Booking.Status.NO_SHOW)
    # p4: 1 checked in.
    visit(o4, day)

    # A circle: jinma has 1 of 2 cells covered (the only community with a centre).
    health = Category.add_root(name="医疗健康", slug="health")
    circle = CoverageRun.objects.create(computed_at=AFTER_OCTOBER, radius_metres=800, days_ahead=7)
    CoverageCell.objects.create(run=circle, community=jinma, sector=sector, covered=True, providers_within=1)
    CoverageCell.objects.create(run=circle, community=jinma, sector=health, covered=False)
    return {
        "streets": (street, second, quiet),
        "communities": (jinma, unknown, huashan),
        "providers": (p1, p2, p3, p4),
        "circle": circle,
    }


def counted(figure):
    return (
        figure.bookings,
        figure.ended_bookings,
        figure.checked_in,
        figure.no_shows,
        figure.distribution,
        figure.cases_opened,
        figure.cases_closed,
    )


def figures_of(run, level, field):
    return {getattr(figure, field): figure for figure in run.figures.filter(level=level)}


def test_counts_every_provider_community_and_street(district):
    run = compute_period(OCTOBER, now=AFTER_OCTOBER, coverage_run=district["circle"])
    p1, p2, p3, p4 = district["providers"]
    providers = figures_of(run, "provider", "partner")
    assert counted(providers[p1]) == (6, 6, 3, 1, [0, 1, 0, 0, 1], 1, 1)
    # Fulfilment: 3 checked in / (6 ended + 1 cancelled by the provider) = 3/7; no-shows: 1/6.
    assert providers[p1].provider_cancelled == 1
    assert providers[p1].components["fulfilment"] == pytest.approx(100 * 3 / 7)
    assert providers[p1].components["no_shows"] == pytest.approx(100 * (1 - 1 / 6))
    streets = figures_of(run, "street", "street")
    assert streets[district["streets"][0]].provider_cancelled == 1
    assert providers[p1].median_close_hours == Decimal("10.0")
    assert counted(providers[p2]) == (2, 2, 2, 0, [0, 0, 0, 1, 0], 0, 0)
    assert counted(providers[p3]) == (2, 2, 1, 1, [1, 0, 0, 0, 0], 1, 0)
    assert providers[p3].median_close_hours is None
    assert counted(providers[p4]) == (1, 1, 1, 0, [0, 0, 0, 0, 0], 0, 0)
    assert (providers[p4].street, providers[p4].community) == (p4.street, None)
    # A provider has no residents and no circle of its own.
    assert {(figure.population, figure.coverage_cells) for figure in providers.values()} == {(None, 0)}

    jinma, unknown, huashan = district["communities"]
    communities = figures_of(run, "community", "community")
    assert counted(communities[jinma]) == counted(providers[p1])
    assert (communities[jinma].population, communities[jinma].coverage_cells, communities[jinma].covered_cells) == (
        4000,
        2,
        1,
    )
    assert counted(communities[unknown]) == counted(providers[p2])
    assert communities[unknown].population is None
    assert counted(communities[huashan]) == counted(providers[p3])

    tuodong, gulou, ciba = district["streets"]
    streets = figures_of(run, "street", "street")
    assert counted(streets[tuodong]) == (8, 8, 5, 1, [0, 1, 0, 1, 1], 1, 1)
    # The sum of the communities whose population is known.
    assert (streets[tuodong].population, streets[tuodong].coverage_cells, streets[tuodong].covered_cells) == (
        4000,
        2,
        1,
    )
    assert counted(streets[gulou]) == (3, 3, 2, 1, [1, 0, 0, 0, 0], 1, 0)
    assert streets[gulou].population == 2000
    # A street without any data still has its figure (all 12 are listed on the page).
    assert counted(streets[ciba]) == (0, 0, 0, 0, [0, 0, 0, 0, 0], 0, 0)
    assert streets[ciba].population is None and streets[ciba].score is None


def test_components_and_scores_are_the_formulas(district):
    run = compute_period(OCTOBER, now=AFTER_OCTOBER, coverage_run=district["circle"])
    tuodong, gulou, _ciba = district["streets"]
    streets = figures_of(run, "street", "street")
    # tuodong: 8 / 4,000 × 1,000 = 2 per 1,000 (the best); gulou 3 / 2,000 × 1,000 = 1.5 → 75
    assert streets[tuodong].components["bookings"] == pytest.approx(100)
    assert streets[gulou].components["bookings"] == pytest.approx(75)
    # tuodong: 5 checked in / (8 ended + 1 cancelled by the provider) = 55.55…; 1 − 1/8 = 87.5;
    # 3 ratings < 10: no satisfaction;
    # one case closed in 10 h → ½ + ½ × (1 − 10/72) = 93.05…; 1 of 2 cells = 50.
    parts = streets[tuodong].components
    assert parts["fulfilment"] == pytest.approx(100 * 5 / 9)
    assert parts["no_shows"] == pytest.approx(87.5)
    assert parts["satisfaction"] is None and streets[tuodong].average_stars is None
    assert parts["case_closing"] == pytest.approx(100 * (0.5 + 0.5 * (1 - 10 / 72)))
    assert parts["coverage"] == pytest.approx(50)
    # No grid demand: no demands component; p1's two cases are its matters, neither escalated: 1 − 0 / 2 = 100.
    assert parts["demands_on_time"] is None and parts["escalations"] == 100
    # Weights 15, 15, 10, (20 left out), 10, 15, (10 left out), 5:
    # (15·100 + 15·55.556 + 10·87.5 + 10·93.056 + 15·50 + 5·100) / 70 = 5388.89 / 70 = 76.98 → 77.0
    assert streets[tuodong].score == Decimal("77.0")
    # gulou: no centre, so no cells and no coverage component; its one case was never answered and is
    # long past its deadline: a failure that counts 0, not a missing component.
    assert streets[gulou].components["coverage"] is None
    assert streets[gulou].components["case_closing"] == 0
    assert (streets[gulou].cases_opened, streets[gulou].cases_overdue, streets[gulou].cases_closed) == (1, 1, 0)


def test_too_little_data_is_saved_unranked(district):
    # 8 and 3 ended bookings are far below the 20 a street needs.
    run = compute_period(OCTOBER, now=AFTER_OCTOBER, coverage_run=district["circle"])
    assert run.ranked is False
    streets = run.figures.filter(level="street")
    assert streets.count() == 3
    assert not streets.filter(rank__isnull=False).exists()
    assert set(streets.values_list("unranked_reason", flat=True)) == {"few_bookings"}
    # The run keeps the settings it used, so the page prints the formula of its numbers.
    assert (run.min_bookings, run.min_ranked_streets, run.min_sample, run.case_target_hours) == (20, 3, 10, 72)
    assert run.coverage_run == district["circle"]


def test_ranks_streets_with_enough_data(settings, district):
    settings.INDEX_MIN_BOOKINGS = 3
    settings.INDEX_MIN_RANKED_STREETS = 2
    settings.INDEX_WEIGHTS = {"fulfilment": 1}
    run = compute_period(OCTOBER, now=AFTER_OCTOBER, coverage_run=district["circle"])
    assert run.ranked and run.weights == {"fulfilment": 1}
    tuodong, gulou, ciba = district["streets"]
    streets = figures_of(run, "street", "street")
    # Fulfilment only: tuodong 5/(8 + 1) = 55.6, gulou 2/3 = 66.7 → gulou first.
    assert (streets[gulou].score, streets[gulou].rank) == (Decimal("66.7"), 1)
    assert (streets[tuodong].score, streets[tuodong].rank) == (Decimal("55.6"), 2)
    assert streets[ciba].rank is None and streets[ciba].unranked_reason == "few_bookings"
    # Communities and providers get scores, never ranks.
    assert not run.figures.exclude(level="street").filter(rank__isnull=False).exists()
    assert run.figures.get(level="provider", partner=district["providers"][1]).score == Decimal("100.0")


def test_a_running_period_counts_only_ended_slots_as_ended(district):
    # On 10 October at 10:15, p1's visits at 9:00 and 10:00 (ending 9:30, 10:30) are one ended, one running.
    now = local(2026, 10, 10, 10, 15)
    run = compute_period(OCTOBER, now=now)
    p1 = run.figures.get(level="provider", partner=district["providers"][0])
    assert (p1.bookings, p1.ended_bookings, p1.checked_in) == (6, 1, 1)
    # Without a circle there are no cells anywhere.
    assert not run.figures.filter(coverage_cells__gt=0).exists()


def test_running_again_replaces_the_period(district):
    first = compute_period(OCTOBER, now=AFTER_OCTOBER, coverage_run=district["circle"])
    figures = first.figures.count()
    assert figures == 3 + 3 + 4
    again = compute_period(OCTOBER, now=AFTER_OCTOBER + timedelta(days=1))
    assert IndexRun.objects.count() == 1
    assert again.pk == first.pk and IndexFigure.objects.count() == figures
    assert again.computed_at == AFTER_OCTOBER + timedelta(days=1)
    # Another period is a run of its own.
    compute_period(parse_period("2026-Q4"), now=AFTER_OCTOBER)
    assert IndexRun.objects.count() == 2


def test_a_quarter_counts_its_three_months(district):
    run = compute_period(parse_period("2026-Q4"), now=local(2026, 11, 20, 12, 0))
    p1 = run.figures.get(level="provider", partner=district["providers"][0])
    # October's 6 and the visit at midnight on 1 November; September's is in Q3.
    assert p1.bookings == 7


def test_queries_do_not_grow_with_the_data(street, sector, visit, district, demands, django_assert_max_num_queries):
    def queries():
        with django_assert_max_num_queries(100) as captured:
            compute_period(OCTOBER, now=AFTER_OCTOBER, coverage_run=district["circle"])
        return len(captured.captured_queries)

    _provider, _staff, record = demands
    record(local(2026, 10, 12, 9, 0))
    queries()  # the first run creates the period's run; later ones replace it
    before = queries()
    for number in range(5):
        community = make_community(street, f"more{number}", None, population=100)
        provider = make_provider(street, f"more{number}", community=community)
        rate(visit(offer(provider, sector), local(2026, 10, 12, 9, 0)), 1)
        Desk.objects.create(kind="demand", organisation=provider)
        record(local(2026, 10, 13, 9, 0), organisation=provider)
    supervision.escalate_late_matters(AFTER_OCTOBER)
    assert queries() == before


@pytest.fixture
def one_poor_visit(street, sector, visit, make_user):
    """A provider's visit rated 1 star on 10 October: its follow-up case opened, and its staff member."""
    provider = make_provider(street, "p-case")
    staff = make_user(email="staff@case.example", phone="13700008888")
    provider.users.add(staff)
    rating = rate(visit(offer(provider, sector), local(2026, 10, 10, 9, 0)), 1)
    return provider, rating, staff


def test_a_case_the_resident_says_was_not_resolved_is_not_closed_but_failed(one_poor_visit):
    provider, rating, staff = one_poor_visit
    case = rating.matter
    rating_services.answer_case(staff, case.pk, "已回复", now=case.submitted_at + timedelta(hours=2))
    rating_services.confirm_case(rating.booking.user, case.pk, False, now=case.submitted_at + timedelta(hours=3))

    run = compute_period(OCTOBER, now=AFTER_OCTOBER)

    figure = run.figures.get(level="provider", partner=provider)
    assert (figure.cases_opened, figure.cases_closed, figure.cases_unresolved) == (1, 0, 1)
    assert figure.components["case_closing"] == 0
    assert figure.median_close_hours is None


def test_a_case_within_its_deadline_counts_as_if_it_closed_now(one_poor_visit):
    provider, rating, _staff = one_poor_visit
    # Computed 6 hours after the case opened: not yet due, so not a failure; credited as closed in 6 h.
    run = compute_period(OCTOBER, now=rating.matter.submitted_at + timedelta(hours=6))

    figure = run.figures.get(level="provider", partner=provider)
    assert (figure.cases_opened, figure.cases_closed, figure.cases_overdue) == (1, 0, 0)
    assert figure.components["case_closing"] == pytest.approx(100 * (0.5 + 0.5 * (1 - 6 / 72)))


def test_answering_a_case_late_scores_above_never_answering_it(one_poor_visit):
    provider, rating, staff = one_poor_visit
    unanswered = compute_period(OCTOBER, now=AFTER_OCTOBER).figures.get(level="provider", partner=provider)
    case = rating.matter
    rating_services.answer_case(staff, case.pk, "迟到的回复", now=case.submitted_at + timedelta(hours=100))
    rating_services.confirm_case(rating.booking.user, case.pk, True, now=case.submitted_at + timedelta(hours=100))

    answered = compute_period(OCTOBER, now=AFTER_OCTOBER).figures.get(level="provider", partner=provider)

    assert (unanswered.cases_overdue, unanswered.components["case_closing"]) == (1, 0)
    assert (answered.cases_closed, answered.components["case_closing"]) == (1, 50)
    assert answered.score > unanswered.score


@pytest.fixture
def demands(street, make_user):
    """A provider taking grid demands, its staff member, and ``record(at)``: a grid worker's demand sent to it."""
    community = make_community(street, "demands", None, population=3000)
    provider = make_provider(street, "p-demands", community=community)
    Desk.objects.create(kind="demand", organisation=provider, is_default=True)
    staff = make_user(email="staff@demands.example", phone="13700007777")
    provider.users.add(staff)
    grid = Grid.objects.create(community=community, number=1, name="第一网格", buildings="1栋")
    worker = make_user(email="grid@demands.example", phone="13700006666")
    GridWorker.objects.create(user=worker).grids.add(grid)

    def record(at, organisation=provider):
        return grid_services.record_demand(worker, grid.pk, "楼道灯坏了", "repair", "1栋", organisation.pk, now=at)

    return provider, staff, record


def step(staff, demand, action, at, text=""):
    matter_services.take_step(staff, demand.matter.reference, action, text, now=at)


def test_demands_count_on_time_late_sent_back_and_left_past_the_deadline(demands):
    provider, staff, record = demands
    monday = local(2026, 10, 12, 9, 0)
    # Accepted at once and done two days later: on time.
    on_time = record(monday)
    step(staff, on_time, "accept", monday + timedelta(hours=3))
    step(staff, on_time, "complete", monday + timedelta(days=2), "已修好")
    # Sent back within the hour: not done by the organisation.
    step(staff, record(monday), "send_back", monday + timedelta(hours=1), "不属于本单位")
    # Left waiting past the two working days to accept: escalated on Thursday, then done.
    late = record(monday)
    supervision.escalate_late_matters(local(2026, 10, 15, 12, 0))
    step(staff, late, "accept", local(2026, 10, 16, 9, 0))
    step(staff, late, "complete", local(2026, 10, 19, 9, 0), "已修好")
    # Recorded on the 20th and never accepted: past its deadline at the computation (not escalated: no job ran).
    record(local(2026, 10, 20, 9, 0))
    # September's demand is another period's.
    record(local(2026, 9, 28, 9, 0))

    run = compute_period(OCTOBER, now=AFTER_OCTOBER)

    figure = run.figures.get(level="provider", partner=provider)
    counts = (figure.demands_on_time, figure.demands_late, figure.demands_returned, figure.demands_failed)
    assert counts == (1, 1, 1, 1)
    # (1 × 1 + (1 late + 1 sent back) × ½ + 1 × 0) / 4 demands = 0.5 → 50
    assert figure.components["demands_on_time"] == pytest.approx(50)
    # The September demand was escalated by the same job run, but is not October's: 1 escalated of 4 matters.
    assert (figure.matters_opened, figure.matters_escalated) == (4, 1)
    assert figure.components["escalations"] == pytest.approx(75)
    # The provider's street and community carry the same counts.
    street = run.figures.get(level="street", street=provider.street)
    assert (street.demands_failed, street.matters_opened, street.matters_escalated) == (1, 4, 1)
    community = run.figures.get(level="community", community=provider.community)
    assert community.components["demands_on_time"] == pytest.approx(50)


def test_a_demand_within_its_deadline_counts_as_if_done_now(demands):
    provider, staff, record = demands
    demand = record(local(2026, 10, 12, 9, 0))
    step(staff, demand, "accept", local(2026, 10, 12, 10, 0))

    run = compute_period(OCTOBER, now=local(2026, 10, 14, 9, 0))

    figure = run.figures.get(level="provider", partner=provider)
    assert (figure.demands_on_time, figure.demands_failed) == (1, 0)
    assert figure.components["demands_on_time"] == 100
    assert figure.components["escalations"] == 100


def test_doing_a_demand_left_past_its_deadline_raises_the_score(demands):
    provider, staff, record = demands
    demand = record(local(2026, 10, 12, 9, 0))
    supervision.escalate_late_matters(local(2026, 10, 15, 12, 0))
    left = compute_period(OCTOBER, now=AFTER_OCTOBER).figures.get(level="provider", partner=provider)
    step(staff, demand, "accept", local(2026, 10, 16, 9, 0))
    step(staff, demand, "complete", local(2026, 10, 19, 9, 0), "已修好")

    done = compute_period(OCTOBER, now=AFTER_OCTOBER).figures.get(level="provider", partner=provider)

    assert (left.demands_failed, left.components["demands_on_time"]) == (1, 0)
    assert (done.demands_late, done.components["demands_on_time"]) == (1, 50)
    # Escalated either way: doing it late does not undo the escalation.
    assert left.components["escalations"] == done.components["escalations"] == 0
    assert done.score > left.score


def test_a_demand_closed_by_a_supervisors_finding_is_a_failure(demands, make_user):
    provider, _staff, record = demands
    demand = record(local(2026, 10, 12, 9, 0))
    supervisor = make_user(email="supervisor@demands.example", phone="13700005555")
    Supervisor.objects.create(user=supervisor, street=provider.street)
    supervision.escalate_late_matters(local(2026, 10, 15, 12, 0))
    escalation = demand.matter.escalations.get()
    supervision.close_with_finding(supervisor, escalation.pk, "经核实已由社区处理", now=local(2026, 10, 16, 9, 0))

    figure = compute_period(OCTOBER, now=AFTER_OCTOBER).figures.get(level="provider", partner=provider)

    assert (figure.demands_failed, figure.components["demands_on_time"]) == (1, 0)


def test_without_demands_or_matters_the_components_are_missing(district):
    run = compute_period(OCTOBER, now=AFTER_OCTOBER, coverage_run=district["circle"])
    # p2 has no matter: its ratings opened no case. p1's two poor ratings opened two cases (one rating was
    # hidden since, its case is still a matter given to p1), neither escalated.
    p1 = run.figures.get(level="provider", partner=district["providers"][0])
    p2 = run.figures.get(level="provider", partner=district["providers"][1])
    assert p2.components["demands_on_time"] is None and p2.components["escalations"] is None
    assert p1.components["demands_on_time"] is None
    assert (p1.matters_opened, p1.matters_escalated, p1.components["escalations"]) == (2, 0, 100)
