"""The queue's own housekeeping, as a job (marketplace/scheduler/jobs.py)."""

from marketplace.background import background_task, requeue_abandoned


@background_task
def requeue_abandoned_tasks():
    return requeue_abandoned()
