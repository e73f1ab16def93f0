"""streetindex 0005: a formula an administrator set before the demands and escalations components existed
gets their weights as a recorded change of its own; the versions and periods before keep what they had."""

from datetime import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from marketplace.audit.models import Action
from streetindex import publishing
from streetindex.formula import COMPONENT_LABELS
from streetindex.models import FormulaVersion

BEFORE = [("streetindex", "0004_publishing_and_formula_versions")]
OLD_WEIGHTS = {"bookings": 15, "fulfilment": 20, "no_shows": 10, "satisfaction": 30, "case_closing": 10, "coverage": 15}
MINIMUMS = {"min_sample": 10, "min_bookings": 20, "min_ranked_streets": 3, "case_target_hours": 72}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_an_administrators_formula_gets_the_new_weights_as_a_recorded_change():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old_apps = migrate(BEFORE)
    changed_at = timezone.make_aware(datetime(2026, 11, 3, 10, 0))
    old = old_apps.get_model("streetindex", "FormulaVersion").objects.create(
        weights=OLD_WEIGHTS, **MINIMUMS, changed_at=changed_at, previous={}
    )
    run = old_apps.get_model("streetindex", "IndexRun").objects.create(
        granularity="month",
        period_start="2026-11-01",
        period_end="2026-11-30",
        computed_at=changed_at,
        weights=OLD_WEIGHTS,
        **MINIMUMS,
        ranked=False,
        formula_version_id=old.pk,
    )

    migrate(latest)

    version, formula = publishing.current_formula()
    assert version.pk != old.pk and version.changed_by is None
    assert formula.weights == {**OLD_WEIGHTS, "demands_on_time": 10, "escalations": 5}
    assert (formula.min_sample, formula.case_target_hours) == (10, 72)
    # The change shows as one: the two new weights from 0 (they were not in the formula before).
    assert version.changes() == [
        (COMPONENT_LABELS["demands_on_time"], 0, 10),
        (COMPONENT_LABELS["escalations"], 0, 5),
    ]
    entry = Action.objects.get(action=Action.Code.FORMULA_CHANGED)
    assert entry.detail["new"]["weights"]["escalations"] == 5 and entry.detail["version"] == version.pk
    # What came before keeps what it had: the old version, and the period computed with it.
    assert FormulaVersion.objects.get(pk=old.pk).weights == OLD_WEIGHTS
    assert run.__class__.objects.get(pk=run.pk).weights == OLD_WEIGHTS
