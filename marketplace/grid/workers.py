"""Who is a grid worker (网格员) and where: the one rule every door and service of the grid asks.

A grid worker is an active ``GridWorker`` row, assigned to one or more grids by an administrator (Django
admin, "Grid workers"). They work for no provider."""

from marketplace.grid.models import Grid, GridResident


def is_grid_worker(user):
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and Grid.objects.filter(workers__user=user, workers__is_active=True).exists()
    )


def grids_of(user):
    """The grids ``user`` walks (none for anyone else)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Grid.objects.none()
    return Grid.objects.filter(workers__user=user, workers__is_active=True).select_related("community").distinct()


def works_in(user, grid):
    return grid is not None and grids_of(user).filter(pk=grid.pk).exists()


def consenting_residents(user, grid=None):
    """The residents of ``user``'s grids (or of one of them) who agreed to be seen and have not withdrawn."""
    rows = GridResident.objects.filter(
        grid__in=grids_of(user), consented_at__isnull=False, withdrawn_at__isnull=True, user__is_active=True
    )
    if grid is not None:
        rows = rows.filter(grid=grid)
    return rows.select_related("user", "grid__community")


def may_serve(user, resident):
    """Whether ``user`` is a grid worker of a grid ``resident`` belongs to with their consent."""
    return resident is not None and consenting_residents(user).filter(user=resident).exists()
