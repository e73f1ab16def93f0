"""The public street index and the 10-minute service circle: pages and downloads over the snapshots."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import spreadsheet
from marketplace.ids import MAX_ID  # a larger id in the URL would overflow the database's integer
from streetindex import charts, readouts
from streetindex.formula import COMPONENTS
from streetindex.models import IndexFigure

Level = IndexFigure.Level


class NotFound(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def not_found_page(request, message):
    return render(request, "streetindex/not_found.html", {"message": message}, status=404)


def answers_not_found(view):
    """A bad period, slug or id is a 404 page that says which, never a 500."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            return not_found_page(request, error.message)

    return wrapper


def requested_run(request):
    """The run of ``?period=``, the latest month without it; ``None`` when nothing was computed yet."""
    label = request.GET.get("period")
    try:
        return readouts.run_for(label)
    except readouts.PeriodError as error:
        if error.code == "invalid":
            raise NotFound(
                _("“%(period)s” is not a period. Use a month like 2026-11 or a quarter like 2026-Q4.")
                % {"period": error.label[:20]}
            ) from error
        raise NotFound(_("The index of %(period)s has not been computed.") % {"period": error.label}) from error


def computed_run(request):
    """``requested_run`` for pages that show one figure: nothing computed yet is a 404 too."""
    run = requested_run(request)
    if run is None:
        raise NotFound(_("The index has not been computed yet."))
    return run


def period_context(run):
    months, quarters = readouts.computed_periods()
    return {
        "run": run,
        "complete": run.is_complete(),
        "months": months,
        "quarters": quarters,
        "formula": readouts.formula_of(run),
        "components": COMPONENTS,
    }


def figure_or_404(run, level, message, **where):
    readout = readouts.figure_of(run, level, **where)
    if readout is None:
        raise NotFound(message)
    return readout


@answers_not_found
def streets(request):
    """The 12 streets ranked, with the formula that ranked them."""
    run = requested_run(request)
    if run is None:
        return render(request, "streetindex/not_computed.html")
    rows = readouts.ranked_first(readouts.readouts(run, readouts.figures_of(run, Level.STREET)))
    ranked = [row for row in rows if run.ranked and row.figure.rank is not None]
    unranked = rows[len(ranked) :]  # ranked_first put them last
    context = period_context(run)
    newest = (context["months"] or context["quarters"])[0]
    return render(
        request,
        "streetindex/index_run.html",
        {
            **context,
            # Opened without a period on an older, ranked one: say the newer exists and why it is not shown.
            "newer_unranked": newest if not request.GET.get("period") and newest != run.label else None,
            "ranked_rows": ranked,
            "unranked_rows": unranked,
            "score_chart": charts.score_chart(ranked, unranked),
            "distribution_rows": [(row, charts.distribution_chart(row)) for row in rows],
        },
    )


@answers_not_found
def street(request, slug):
    run = computed_run(request)
    readout = figure_or_404(
        run,
        Level.STREET,
        _("There is no figure of this street for %(period)s.") % {"period": run.label},
        street__slug=slug,
    )
    return render(
        request,
        "streetindex/street.html",
        {
            **period_context(run),
            "readout": readout,
            "distribution_chart": charts.distribution_chart(readout),
            "community_rows": readouts.best_first(
                readouts.readouts(run, readouts.figures_of(run, Level.COMMUNITY, street=readout.figure.street))
            ),
            "provider_rows": readouts.best_first(
                readouts.readouts(run, readouts.figures_of(run, Level.PROVIDER, street=readout.figure.street))
            ),
        },
    )


@answers_not_found
def community(request, slug):
    run = computed_run(request)
    readout = figure_or_404(
        run,
        Level.COMMUNITY,
        _("There is no figure of this community for %(period)s.") % {"period": run.label},
        community__slug=slug,
    )
    return render(
        request,
        "streetindex/community.html",
        {
            **period_context(run),
            "readout": readout,
            "distribution_chart": charts.distribution_chart(readout),
            "provider_rows": readouts.best_first(
                readouts.readouts(run, readouts.figures_of(run, Level.PROVIDER, community=readout.figure.community))
            ),
        },
    )


@answers_not_found
def provider(request, pk):
    run = computed_run(request)
    message = _("There is no figure of this provider for %(period)s.") % {"period": run.label}
    if pk > MAX_ID:
        raise NotFound(message)
    readout = figure_or_404(run, Level.PROVIDER, message, partner=pk)
    return render(
        request,
        "streetindex/provider.html",
        {**period_context(run), "readout": readout, "distribution_chart": charts.distribution_chart(readout)},
    )


# Downloads

FIGURE_COLUMNS = (
    "period",
    "level",
    "rank",
    "street_slug",
    "street",
    "community_slug",
    "community",
    "provider_id",
    "provider",
    "score",
    "unranked_reason",
    "population",
    "bookings",
    "bookings_per_thousand",
    "ended_bookings",
    "checked_in",
    "provider_cancelled",
    "fulfilment",
    "no_shows",
    "no_show_rate",
    "ratings",
    "stars_1",
    "stars_2",
    "stars_3",
    "stars_4",
    "stars_5",
    "average_stars",
    "cases_opened",
    "cases_closed",
    "cases_pending",
    "cases_overdue",
    "cases_unresolved",
    "median_close_hours",
    "coverage_cells",
    "covered_cells",
    "coverage_share",
    *(f"component_{key}" for key in COMPONENTS),
    # Added with the demands and escalations components: after the older columns, so those keep their places.
    "demands_opened",
    "demands_on_time",
    "demands_late",
    "demands_returned",
    "demands_failed",
    "matters_opened",
    "matters_escalated",
)


def csv_response(filename, header, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so spreadsheet programs read the Chinese names as UTF-8
    writer = spreadsheet.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def figure_row(run, readout):
    figure = readout.figure
    inputs = readout.inputs()
    components = readout.component_values()
    values = {
        "period": run.label,
        "level": figure.level,
        "rank": figure.rank if run.ranked else None,
        "street_slug": figure.street.slug,
        "street": figure.street.name,
        "community_slug": figure.community.slug if figure.community else None,
        "community": figure.community.name if figure.community else None,
        "provider_id": figure.partner_id,
        "provider": figure.partner.name if figure.partner else None,
        "score": figure.score,
        "unranked_reason": figure.unranked_reason,
        **{key: value for key, value in inputs.items() if key != "distribution"},
        **{f"stars_{stars}": count for stars, count in enumerate(inputs["distribution"], start=1)},
        **{f"component_{key}": value for key, value in components.items()},
    }
    return [values[column] for column in FIGURE_COLUMNS]


def figures_csv(run, rows, filename):
    return csv_response(filename, FIGURE_COLUMNS, [figure_row(run, row) for row in rows])


@answers_not_found
def streets_csv(request):
    run = computed_run(request)
    rows = readouts.ranked_first(readouts.readouts(run, readouts.figures_of(run, Level.STREET)))
    return figures_csv(run, rows, f"street-index-{run.label}.csv")


@answers_not_found
def street_figures_csv(request, slug, level):
    """A street's communities or providers."""
    run = computed_run(request)
    street_figure = figure_or_404(
        run,
        Level.STREET,
        _("There is no figure of this street for %(period)s.") % {"period": run.label},
        street__slug=slug,
    )
    rows = readouts.readouts(run, readouts.figures_of(run, level, street=street_figure.figure.street))
    return figures_csv(run, rows, f"street-index-{run.label}-{slug}-{level}.csv")


# The 10-minute service circle


def coverage(request):
    run = readouts.latest_coverage_run()
    if run is None:
        return render(request, "streetindex/coverage_not_computed.html")
    table = readouts.coverage_table(run)
    return render(
        request,
        "streetindex/coverage_run.html",
        {
            "run": run,
            "table": table,
            "summary": table.summary(),
            "map": charts.coverage_tile_map(table.streets, len(table.sectors)),
            "show_gaps": request.user.is_staff,
        },
    )


GAP_COLUMNS = (
    "street",
    "community_slug",
    "community",
    "sector",
    "nearest_provider_id",
    "nearest_provider",
    "distance_metres",
    "providers_within",
)


def coverage_gaps_csv(request):
    """For administrators: every community × sector outside the circle, with the nearest provider."""
    if not request.user.is_staff:
        raise PermissionDenied
    run = readouts.latest_coverage_run()
    if run is None:
        return not_found_page(request, _("The service circle has not been computed yet."))
    gaps = readouts.coverage_table(run).gaps
    return csv_response(
        f"service-circle-gaps-{timezone.localtime(run.computed_at):%Y-%m-%d}.csv",
        GAP_COLUMNS,
        [
            [
                cell.community.street.name,
                cell.community.slug,
                cell.community.name,
                cell.sector.name,
                cell.nearest_partner_id,
                cell.nearest_partner.name if cell.nearest_partner else None,
                cell.distance_metres,
                cell.providers_within,
            ]
            for cell in gaps
        ],
    )
