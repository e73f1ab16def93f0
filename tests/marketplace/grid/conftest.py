import pytest

from marketplace.grid import services
from marketplace.grid.models import Grid, GridWorker
from marketplace.matters.models import Desk
from tests.marketplace.notifications.conftest import sms  # noqa: F401 (the mocked SMS gateway)


@pytest.fixture
def grid(community):
    return Grid.objects.create(community=community, number=1, name="第一网格", buildings="1栋\n2栋\n3栋")


@pytest.fixture
def other_grid(community):
    return Grid.objects.create(community=community, number=2, name="第二网格", buildings="7栋\n8栋")


@pytest.fixture
def worker(make_user, grid):
    """A grid worker (网格员) of the first grid: no provider, no permission, the GridWorker row."""
    user = make_user(email="grid@example.com", name="孔网格", phone="13700871007")
    GridWorker.objects.create(user=user).grids.add(grid)
    return user


@pytest.fixture
def other_worker(make_user, other_grid):
    user = make_user(email="grid2@example.com", name="蒋网格", phone="13700871008")
    GridWorker.objects.create(user=user).grids.add(other_grid)
    return user


@pytest.fixture
def neighbour(resident, grid, community):
    """The resident, living in the first grid's 2栋, who agreed to be seen by its grid worker."""
    resident.home_community = community
    resident.save(update_fields=["home_community"])
    services.agree(resident, grid.pk, "2栋")
    return resident


@pytest.fixture
def demand_desks(provider, other_provider):
    """Both providers take demands."""
    Desk.objects.create(kind="demand", organisation=provider, is_default=True)
    Desk.objects.create(kind="demand", organisation=other_provider)
    return provider
