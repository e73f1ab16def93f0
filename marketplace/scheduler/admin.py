"""Administrators see every task attempt (failed ones with their masked error) and every job firing."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from marketplace.scheduler.models import JobRun


class OutcomeFilter(admin.SimpleListFilter):
    title = _("outcome")
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [
            ("failed", _("Failed attempts")),
            ("gave_up", _("Failed, not tried again")),
            ("waiting", _("Waiting to run")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.failed()
        if self.value() == "gave_up":
            # marketplace.background writes "not tried again" in the error of a last attempt.
            return queryset.failed().filter(traceback__contains="not tried again")
        if self.value() == "waiting":
            return queryset.filter(status="READY")
        return queryset


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    list_display = ("task_name", "status", "attempt", "error", "enqueued_at", "run_after", "finished_at")
    list_filter = (OutcomeFilter, "status", "queue_name", "task_path")
    search_fields = ("task_path", "id")

    @admin.display(description=_("attempt"))
    def attempt(self, obj):
        return (obj.args_kwargs.get("kwargs") or {}).get("attempt", 1)

    @admin.display(description=_("error"))
    def error(self, obj):
        """The error the attempt ended with and, for our tasks, whether it is tried again."""
        lines = [line for line in (obj.traceback or "").splitlines() if line.strip()]
        if not lines:
            return ""
        outcome = next((line.split("TaskFailed: ", 1)[1] for line in lines if "TaskFailed: " in line), "")
        return " — ".join(part for part in (lines[-1].strip()[:300], outcome) if part)


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ("job", "scheduled_for", "fired_at", "task_id")
    list_filter = ("job",)
    date_hierarchy = "scheduled_for"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
