"""``python manage.py compute_index``: the nightly job behind the street index and the service circle.

The scheduler runs it every night at 02:30 (marketplace/scheduler/jobs.py): it closes follow-up cases the
residents left unconfirmed, computes the 10-minute service circle, then the
index of the running and the previous month and quarter as drafts, replacing each
period's earlier draft and leaving a complete period already published alone.
``--period 2026-11 --period 2026-Q4`` computes just those periods, as new drafts
even when published (e.g. to recompute after changing the weights); the district
publishes drafts at /index/review/.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from streetindex.compute import compute_index
from streetindex.formula import coverage_share
from streetindex.periods import parse_period


class Command(BaseCommand):
    help = "Compute the service circle and the street index snapshots (run nightly)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--period",
            action="append",
            default=[],
            metavar="PERIOD",
            help="a month (2026-11) or a quarter (2026-Q4); repeat for several; default: the running "
            "and the previous month and quarter",
        )

    def handle(self, *args, **options):
        periods = []
        for label in options["period"]:
            period = parse_period(label)
            if period is None:
                raise CommandError(
                    _("Unknown period %(period)s: write a month as 2026-11 or a quarter as 2026-Q4.")
                    % {"period": repr(label)}
                )
            if period not in periods:
                periods.append(period)
        coverage_run, runs = compute_index(periods or None)

        cells = coverage_run.cells.count()
        covered = coverage_run.cells.filter(covered=True).count()
        share = coverage_share(covered, cells)
        self.stdout.write(
            _("Service circle: %(covered)d of %(cells)d community × sector cells covered")
            % {"covered": covered, "cells": cells}
            + (f" ({100 * share:.1f}%)" if share is not None else "")
        )
        for run in runs:
            streets = run.figures.filter(level="street")
            if run.ranked:
                outcome = _("ranked %(ranked)d of %(streets)d streets") % {
                    "ranked": streets.filter(rank__isnull=False).count(),
                    "streets": streets.count(),
                }
            else:
                outcome = _("too little data to rank")
            self.stdout.write(f"{run.label}: {outcome}")
