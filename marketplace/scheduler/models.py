from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """One firing of a periodic job: written before its task is enqueued, once per job and scheduled time.

    The unique constraint is what makes a second scheduler (started by mistake, or
    during a deployment) harmless: its insert for the same firing fails and it
    enqueues nothing.
    """

    job = models.CharField(_("job"), max_length=64)
    scheduled_for = models.DateTimeField(_("scheduled for"))
    fired_at = models.DateTimeField(_("fired at"), auto_now_add=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-scheduled_for", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "scheduled_for"], name="one_run_per_job_and_time")]

    def __str__(self):
        return f"{self.job} @ {self.scheduled_for:%Y-%m-%d %H:%M}"
