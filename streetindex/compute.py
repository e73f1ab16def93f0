"""Counting the index inputs from the database and writing a period's snapshot (``compute_index``).

What is counted, for bookings whose slot starts within the period:

- ``bookings``: neither cancelled nor awaiting payment (an unpaid hold is not yet a booking);
- ``ended_bookings``: of those, the ones whose slot ended before the computation;
- ``checked_in`` / ``no_shows``: of the ended ones, so fulfilment and the no-show rate
  compare like with like (a visit checked in while its slot still runs counts the next night);
- ``provider_cancelled``: bookings of ended slots that the provider cancelled; fulfilment
  counts them as booked and not served, the no-show rate leaves them out;
- ratings: the visible (not hidden) ratings of those visits, by stars;
- follow-up cases of those ratings (``follow_up`` matters), each counted once opened, whatever
  became of it: closed (resolved, or lapsed unconfirmed) with the hours it took from its opening
  to its closing; still within its deadline (open, or answered and awaiting the resident) with
  the hours it has been open so far; failed: unanswered past its deadline (``cases_overdue``)
  or closed as not resolved by the resident (``cases_unresolved``);
- population: a community's registered residents; a street's is the sum of its communities
  whose number is known, and unknown when none is (a provider has none);
- coverage cells: a community's community × sector cells of the coverage run; a street's are
  those of its communities (a provider has none);
- grid demands (``demand`` matters a grid worker recorded) submitted within the period, one row each,
  counted for the organisation they are with now: on time (done, or still within its deadline,
  and never escalated for lateness), late (escalated for lateness: done since, or within a new
  deadline), sent back, or failed (open past its deadline, or closed by a supervisor's finding).
  Lateness is what supervision found: ``escalate_late_matters`` runs every 15 minutes, so a demand
  done within those minutes after its deadline may count as on time;
- matters of every kind submitted within the period, per organisation they are with now, and of
  those the ones escalated at least once (any level, any reason) by the computation.

A provider's figures count towards the street and the community of its own
``street`` / ``community`` fields (a provider with a community but no street
counts towards the community's street). Each level is scored against its own
peers; only streets are ranked.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.booking.models import Booking
from marketplace.matters.kinds import CLOSED_BY_SUPERVISOR, DEMAND, FOLLOW_UP
from marketplace.matters.models import Escalation, Matter
from marketplace.matters.services import overdue_q
from providers.models import Community, Street
from ratings.satisfaction import DISTRIBUTION, average_stars, distribution_row
from ratings.services import UNRESOLVED, close_lapsed_cases, visible_ratings
from streetindex import formula, publishing
from streetindex.coverage import compute_coverage, prune_coverage_runs
from streetindex.models import CoverageCell, IndexFigure, IndexRun
from streetindex.periods import default_periods

Partner = get_model("partner", "Partner")

NOT_COUNTED = (Booking.Status.CANCELLED, Booking.Status.PENDING_PAYMENT)
DEMAND_AND_MATTER_COUNTS = (
    "demands_on_time",
    "demands_late",
    "demands_returned",
    "demands_failed",
    "matters_opened",
    "matters_escalated",
)


class Tally:
    """The counted inputs of one street, community or provider, added up from its providers."""

    def __init__(self):
        self.bookings = self.ended_bookings = self.checked_in = self.no_shows = self.provider_cancelled = 0
        self.distribution = [0] * 5
        self.cases_opened = 0
        self.close_hours = []
        self.open_hours = []
        self.cases_overdue = self.cases_unresolved = 0
        self.coverage_cells = self.covered_cells = 0
        self.demands_on_time = self.demands_late = self.demands_returned = self.demands_failed = 0
        self.matters_opened = self.matters_escalated = 0

    def add(self, other):
        self.bookings += other.bookings
        self.ended_bookings += other.ended_bookings
        self.checked_in += other.checked_in
        self.no_shows += other.no_shows
        self.provider_cancelled += other.provider_cancelled
        self.distribution = [mine + theirs for mine, theirs in zip(self.distribution, other.distribution, strict=True)]
        self.cases_opened += other.cases_opened
        self.close_hours += other.close_hours
        self.open_hours += other.open_hours
        self.cases_overdue += other.cases_overdue
        self.cases_unresolved += other.cases_unresolved
        for name in DEMAND_AND_MATTER_COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def inputs(self, population):
        return formula.Inputs(
            bookings=self.bookings,
            ended_bookings=self.ended_bookings,
            checked_in=self.checked_in,
            no_shows=self.no_shows,
            provider_cancelled=self.provider_cancelled,
            distribution=tuple(self.distribution),
            close_hours=tuple(self.close_hours),
            open_hours=tuple(self.open_hours),
            failed_cases=self.cases_overdue + self.cases_unresolved,
            population=population,
            coverage_cells=self.coverage_cells,
            covered_cells=self.covered_cells,
            **{name: getattr(self, name) for name in DEMAND_AND_MATTER_COUNTS},
        )


def provider_tallies(period, now):
    """``{partner id: Tally}`` of the providers with any booking or matter in the period (five queries)."""
    start, end = period.bounds()
    in_period = Q(slot__starts_at__gte=start, slot__starts_at__lt=end)
    ended = Q(slot__ends_at__lt=now)
    tallies = defaultdict(Tally)
    counted = ~Q(status__in=NOT_COUNTED)
    by_provider = Q(status=Booking.Status.CANCELLED, cancelled_by=Booking.CancelledBy.PROVIDER)
    bookings = (
        Booking.objects.filter(in_period)
        .filter(counted | by_provider)
        .order_by()
        .values("slot__offering__partner_id")
        .annotate(
            bookings=Count("pk", filter=counted),
            ended=Count("pk", filter=counted & ended),
            checked_in=Count("pk", filter=ended & Q(status=Booking.Status.CHECKED_IN)),
            no_shows=Count("pk", filter=ended & Q(status=Booking.Status.NO_SHOW)),
            provider_cancelled=Count("pk", filter=ended & by_provider),
        )
    )
    for row in bookings:
        tally = tallies[row["slot__offering__partner_id"]]
        tally.bookings, tally.ended_bookings = row["bookings"], row["ended"]
        tally.checked_in, tally.no_shows = row["checked_in"], row["no_shows"]
        tally.provider_cancelled = row["provider_cancelled"]

    ratings = visible_ratings().filter(booking__slot__starts_at__gte=start, booking__slot__starts_at__lt=end)
    for row in ratings.order_by().values("booking__slot__offering__partner_id").annotate(**DISTRIBUTION):
        tallies[row["booking__slot__offering__partner_id"]].distribution = list(distribution_row(row))

    # Each case's own duration is needed for its credit, so cases come one row each.
    cases = (
        Matter.objects.filter(kind=FOLLOW_UP.code, rating__in=ratings)
        .annotate(overdue=ExpressionWrapper(overdue_q(now), output_field=BooleanField()))
        .values_list("rating__booking__slot__offering__partner_id", "status", "submitted_at", "closed_at", "overdue")
    )
    for partner_id, status, opened_at, closed_at, overdue in cases.order_by():
        tally = tallies[partner_id]
        tally.cases_opened += 1
        if closed_at is not None and status == UNRESOLVED:
            tally.cases_unresolved += 1  # "not resolved" is not closed: owed work not done
        elif closed_at is not None:
            tally.close_hours.append(hours_between(opened_at, closed_at))
        elif overdue:
            tally.cases_overdue += 1  # unanswered past its deadline: a failure, not a missing figure
        else:
            tally.open_hours.append(hours_between(opened_at, now))

    count_demands_and_matters(tallies, start, end, now)
    return tallies


def count_demands_and_matters(tallies, start, end, now):
    """Each provider's grid demands by what they earn, and its matters with those escalated (two queries)."""
    submitted = Q(submitted_at__gte=start, submitted_at__lt=end)
    was_late = Escalation.objects.filter(matter=OuterRef("pk"), reason=Escalation.Reason.LATE)
    demands = (
        Matter.objects.filter(submitted, kind=DEMAND.code, demand__isnull=False)
        .annotate(
            overdue=ExpressionWrapper(overdue_q(now), output_field=BooleanField()),
            late=Exists(was_late),
        )
        .values_list("organisation_id", "status", "closed_at", "overdue", "late")
    )
    for partner_id, status, closed_at, overdue, late in demands.order_by():
        tally = tallies[partner_id]
        if status == "returned":
            tally.demands_returned += 1
        elif status == CLOSED_BY_SUPERVISOR.code or (closed_at is None and overdue):
            tally.demands_failed += 1  # owed and not done by the organisation: a failure, not a missing figure
        elif late:
            tally.demands_late += 1
        else:
            tally.demands_on_time += 1

    matters = (
        Matter.objects.filter(submitted)
        .order_by()
        .values("organisation_id")
        # The join on escalations repeats a matter that went up twice: count matters, not rows.
        .annotate(
            opened=Count("pk", distinct=True),
            escalated=Count("pk", distinct=True, filter=Q(escalations__isnull=False)),
        )
    )
    for row in matters:
        tally = tallies[row["organisation_id"]]
        tally.matters_opened, tally.matters_escalated = row["opened"], row["escalated"]


def hours_between(start, end):
    return max(0, (end - start).total_seconds() / 3600)


def coverage_by_community(coverage_run):
    """``{community id: (cells, covered cells)}`` of the run (one grouped query)."""
    if coverage_run is None:
        return {}
    rows = (
        CoverageCell.objects.filter(run=coverage_run)
        .order_by()
        .values("community_id")
        .annotate(cells=Count("pk"), covered=Count("pk", filter=Q(covered=True)))
    )
    return {row["community_id"]: (row["cells"], row["covered"]) for row in rows}


def gather(period, now, coverage_run):
    """The tallies and populations of every street, community and provider."""
    by_provider = provider_tallies(period, now)
    streets = list(Street.objects.order_by("position", "pk").values_list("pk", flat=True))
    communities = list(Community.objects.order_by("pk").values_list("pk", "street_id", "population"))
    providers = list(
        Partner.objects.filter(Q(street__isnull=False) | Q(community__isnull=False))
        .order_by("pk")
        .values_list("pk", "street_id", "community_id", "community__street_id")
    )
    coverage = coverage_by_community(coverage_run)

    street_tallies = {pk: Tally() for pk in streets}
    community_tallies = {pk: Tally() for pk, _street, _population in communities}
    provider_tallies_ = {}
    provider_places = {}
    for partner_id, street_id, community_id, community_street_id in providers:
        tally = by_provider.get(partner_id) or Tally()
        street_id = street_id or community_street_id
        provider_tallies_[partner_id] = tally
        provider_places[partner_id] = (street_id, community_id)
        street_tallies[street_id].add(tally)
        if community_id is not None:
            community_tallies[community_id].add(tally)

    street_population = {}
    community_places = {}
    for community_id, street_id, population in communities:
        community_places[community_id] = street_id
        cells, covered = coverage.get(community_id, (0, 0))
        community_tallies[community_id].coverage_cells = cells
        community_tallies[community_id].covered_cells = covered
        street_tallies[street_id].coverage_cells += cells
        street_tallies[street_id].covered_cells += covered
        if population is not None:
            street_population[street_id] = street_population.get(street_id, 0) + population
    community_population = {pk: population for pk, _street, population in communities}
    return {
        IndexFigure.Level.STREET: (street_tallies, street_population, {pk: (pk, None) for pk in streets}),
        IndexFigure.Level.COMMUNITY: (
            community_tallies,
            community_population,
            {pk: (street_id, pk) for pk, street_id in community_places.items()},
        ),
        IndexFigure.Level.PROVIDER: (provider_tallies_, {}, provider_places),
    }


def rounded(value, places="0.1"):
    return None if value is None else formula.round_half_up(value, places)


def figure(run, level, key, place, tally, inputs, result, formula_):
    street_id, community_id = place
    stars = average_stars(inputs.distribution, formula_.min_sample)
    close = formula.median_close_hours(inputs.close_hours)
    return IndexFigure(
        run=run,
        level=level,
        street_id=street_id,
        community_id=community_id,
        partner_id=key if level == IndexFigure.Level.PROVIDER else None,
        population=inputs.population,
        bookings=inputs.bookings,
        ended_bookings=inputs.ended_bookings,
        checked_in=inputs.checked_in,
        no_shows=inputs.no_shows,
        provider_cancelled=inputs.provider_cancelled,
        ratings=formula.ratings_count(inputs.distribution),
        distribution=list(inputs.distribution),
        average_stars=rounded(stars, "0.01"),
        cases_opened=tally.cases_opened,
        cases_closed=len(inputs.close_hours),
        cases_overdue=tally.cases_overdue,
        cases_unresolved=tally.cases_unresolved,
        median_close_hours=rounded(close),
        coverage_cells=inputs.coverage_cells,
        covered_cells=inputs.covered_cells,
        **{name: getattr(inputs, name) for name in DEMAND_AND_MATTER_COUNTS},
        components=result.components,
        score=result.score,
        rank=result.rank,
        unranked_reason=result.unranked_reason,
    )


def compute_period(period, now=None, coverage_run=None, formula_=None, formula_version=None):
    """Count, score and store the index of ``period`` as its draft, replacing its previous draft (a
    published run is never touched); return the draft. Without ``formula_``, the formula in force."""
    now = now or timezone.now()
    if formula_ is None:
        formula_version, formula_ = publishing.current_formula()
    levels = gather(period, now, coverage_run)

    figures, ranked = [], False
    for level, (tallies, populations, places) in levels.items():
        inputs = {key: tally.inputs(populations.get(key)) for key, tally in tallies.items()}
        is_street = level == IndexFigure.Level.STREET
        results, level_ranked = formula.evaluate(inputs, formula_, rank=is_street)
        if is_street:
            ranked = level_ranked
        figures += [(level, key, places[key], tallies[key], inputs[key], results[key]) for key in tallies]

    with transaction.atomic():
        run, _created = IndexRun.objects.update_or_create(
            granularity=period.granularity,
            period_start=period.start,
            published_at__isnull=True,
            defaults={
                "formula_version": formula_version,
                "period_end": period.end,
                "computed_at": now,
                "weights": dict(formula_.weights),
                "min_sample": formula_.min_sample,
                "min_bookings": formula_.min_bookings,
                "min_ranked_streets": formula_.min_ranked_streets,
                "case_target_hours": formula_.case_target_hours,
                "coverage_run": coverage_run,
                "ranked": ranked,
            },
        )
        run.figures.all().delete()
        IndexFigure.objects.bulk_create(
            [figure(run, *row, formula_) for row in figures],
            batch_size=500,
        )
    return run


def compute_index(periods=None, now=None):
    """The nightly job: close lapsed cases, compute the circle once, then each period's draft. Returns
    ``(coverage_run, [draft runs])``.

    Without ``periods``: the running and the previous month and quarter, except a complete period
    already published (frozen, ``publishing.is_frozen``); the periods named are computed whatever they are.
    """
    now = now or timezone.now()
    close_lapsed_cases(now)
    coverage_run = compute_coverage(now)
    formula_version, formula_ = publishing.current_formula()
    if periods is None:
        periods = [period for period in default_periods(now) if not publishing.is_frozen(period, now)]
    runs = [
        compute_period(period, now=now, coverage_run=coverage_run, formula_=formula_, formula_version=formula_version)
        for period in periods
    ]
    prune_coverage_runs(keep=coverage_run)
    return coverage_run, runs
