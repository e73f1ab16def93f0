"""``python manage.py compute_index``: the nightly job."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.translation import gettext

from marketplace.booking.models import Booking
from ratings import services as rating_services
from ratings.services import follow_ups
from streetindex.models import CoverageRun, IndexFigure, IndexRun
from streetindex.periods import default_periods
from tests.conftest import ended_booking
from tests.streetindex.circle_factories import CENTRE, make_community, make_provider, north_of, offer


def run(*args):
    out = StringIO()
    call_command("compute_index", *args, stdout=out)
    return out.getvalue()


def test_without_periods_computes_the_running_and_previous_month_and_quarter(street, sector, make_slot):
    community = make_community(street, "jinma", CENTRE, population=5000)
    make_slot(offer(make_provider(street, "near", north_of(CENTRE, 300), community=community), sector))
    output = run()
    labels = [period.label for period in default_periods()]
    assert sorted(IndexRun.objects.values_list("granularity", "period_start")) == sorted(
        (period.granularity, period.start) for period in default_periods()
    )
    for label in labels:
        assert label in output
    # One community, one sector, covered: the summary gives the share of the circle.
    assert (
        gettext("Service circle: %(covered)d of %(cells)d community × sector cells covered")
        % {"covered": 1, "cells": 1}
        in output
    )
    assert "100.0%" in output
    assert gettext("too little data to rank") in output
    run_ = IndexRun.objects.get(period_start=default_periods()[0].start, granularity="month")
    assert run_.coverage_run == CoverageRun.objects.get()
    assert not run_.ranked
    assert IndexFigure.objects.filter(run=run_).count() == 3  # one street, one community, one provider


def test_named_periods_only(street):
    output = run("--period", "2026-10", "--period", "2026-q3", "--period", "2026-10")
    assert sorted(run_.label for run_ in IndexRun.objects.all()) == ["2026-10", "2026-Q3"]
    assert "2026-10: " in output and "2026-Q3: " in output


@pytest.mark.parametrize("label", ["2026-13", "last month", "2026-Q5", ""])
def test_a_bad_period_says_how_to_write_one_and_changes_nothing(street, label):
    with pytest.raises(CommandError, match="2026-11"):
        run("--period", label)
    assert not IndexRun.objects.exists()
    assert not CoverageRun.objects.exists()


def test_running_nightly_replaces_the_periods_and_keeps_one_circle(street):
    run("--period", "2026-10")
    run("--period", "2026-10")
    assert IndexRun.objects.count() == 1
    # The earlier circle is no longer referred to by any period: only the newest is kept.
    assert CoverageRun.objects.count() == 1


def test_closes_lapsed_cases_first(make_slot, offering, resident, staff):
    booking = ended_booking(
        resident, make_slot, offering, ended_ago=timedelta(days=30), status=Booking.Status.CHECKED_IN
    )
    rating = rating_services.rate_visit(resident, booking.code, 1, now=booking.slot.ends_at + timedelta(hours=1))
    rating_services.answer_case(staff, rating.matter.pk, "已处理", now=rating.matter.submitted_at + timedelta(hours=2))
    # The resident's working days to confirm ran out before tonight.
    assert follow_ups().get(pk=rating.matter.pk).due_at < timezone.now()
    run("--period", "2026-10")
    case = follow_ups().get(pk=rating.matter.pk)
    assert case.status == "lapsed"
