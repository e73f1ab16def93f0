"""Wagtail's scheduled publishing as a background task (scheduled by marketplace.scheduler)."""

from django.core.management import call_command

from marketplace.background import background_task


@background_task
def publish_scheduled():
    # Wagtail ships this job only as a management command.
    call_command("publish_scheduled", verbosity=0)
