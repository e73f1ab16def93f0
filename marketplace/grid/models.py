"""Grids (网格) of a community, their grid workers (网格员), the residents who agreed to be seen by them, and
the demands (诉求) grid workers record at the door. Every change goes through ``marketplace.grid.services``;
a demand itself is a matter of the matters engine (kind ``demand``), this only says where it was raised."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Grid(models.Model):
    """One grid of a community: a number, a name and the buildings or courtyards it covers."""

    community = models.ForeignKey(
        "partner.Community", on_delete=models.CASCADE, related_name="grids", verbose_name=_("community")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=50, help_text=_("For example 第一网格."))
    buildings = models.TextField(
        _("buildings and courtyards"),
        max_length=2000,
        help_text=_("The buildings or courtyards the grid covers, one per line, for example 1–6栋."),
    )

    class Meta:
        ordering = ["community__street__position", "community__pk", "number"]
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        constraints = [models.UniqueConstraint(fields=["community", "number"], name="grid_unique_number")]

    def __str__(self):
        return f"{self.community.name}{self.name}"

    @property
    def building_list(self):
        return [line.strip() for line in self.buildings.splitlines() if line.strip()]


class GridWorker(models.Model):
    """A grid worker (网格员) and the grids they walk: the one thing that makes someone one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grid_worker", verbose_name=_("account")
    )
    grids = models.ManyToManyField(Grid, related_name="workers", verbose_name=_("grids"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("grid worker")
        verbose_name_plural = _("grid workers")

    def __str__(self):
        return self.user.get_full_name() or self.user.email


class GridResident(models.Model):
    """A resident's grid and their consent that its grid worker sees them and books for them.

    The consent has its time; withdrawn, the row stays with its time of withdrawal and the grid worker
    no longer sees the resident."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grid_membership", verbose_name=_("resident")
    )
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="residents", verbose_name=_("grid"))
    building = models.CharField(_("building or courtyard"), max_length=50, blank=True)
    consented_at = models.DateTimeField(_("agreed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["grid", "pk"]
        verbose_name = _("resident of a grid")
        verbose_name_plural = _("residents of grids")

    def __str__(self):
        return f"{self.grid} · {self.user_id}"

    @property
    def consents(self):
        return self.consented_at is not None and self.withdrawn_at is None


class Demand(models.Model):
    """Where a demand (诉求, a matter of kind ``demand``) was raised, and by which grid worker."""

    matter = models.OneToOneField(
        "matters.Matter", on_delete=models.CASCADE, related_name="demand", verbose_name=_("matter")
    )
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="demands", verbose_name=_("grid"))
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("grid worker")
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resident"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")

    def __str__(self):
        return str(self.matter_id)
