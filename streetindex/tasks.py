"""The nightly street index as a background task (scheduled by marketplace.scheduler)."""

from marketplace.background import background_task
from streetindex.compute import compute_index as compute


@background_task
def compute_index():
    coverage_run, runs = compute()
    return {"coverage_run": coverage_run.pk, "index_runs": [run.pk for run in runs]}
