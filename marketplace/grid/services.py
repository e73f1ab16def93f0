"""The grid's rules: a resident joins their grid and agrees to be seen (or withdraws), a grid worker sees the
residents of their grids who agreed, books for them and records demands (诉求) at the door. The pages at
``/grid/`` (``marketplace.grid.views``) and the resident's "My data" page only call these.

Every read of a resident's data by a grid worker is written to the access log (the resident sees it under
"who has seen my data"), every change to the action log, through the door ``grid``. Booking goes through
``marketplace.booking.services.book_for_resident`` (channel ``grid``); a demand is a matter of kind
``demand`` submitted through ``marketplace.matters.services.submit`` (the resident, or the grid worker when
nobody is named, its applicant; the grid worker who wrote it down), dispatched to the organisation chosen.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.audit import services as audit
from marketplace.audit.models import Access, Action
from marketplace.booking import services as booking_services
from marketplace.errors import DomainError
from marketplace.grid import workers
from marketplace.grid.models import Demand, Grid, GridResident
from marketplace.ids import parse_id
from marketplace.matters import kinds
from marketplace.matters import services as matter_services
from marketplace.matters.models import Matter


class GridError(DomainError):
    code = "grid_error"


class NotGridWorker(GridError):
    code = "not_grid_worker"


class InvalidInput(GridError):
    code = "invalid"


class NotFound(GridError):
    code = "not_found"


def _require_worker(user):
    if not workers.is_grid_worker(user):
        raise NotGridWorker(_("Only a grid worker may do this."))


# --- the resident's side -----------------------------------------------------------------------


def grids_for_resident(user):
    """The grids of the resident's home community, to choose theirs from."""
    if user is None or not user.is_authenticated or not user.home_community_id:
        return Grid.objects.none()
    return Grid.objects.filter(community_id=user.home_community_id).order_by("number")


def membership_of(user):
    if user is None or not user.is_authenticated:
        return None
    return GridResident.objects.filter(user=user).select_related("grid__community").first()


def agree(user, grid_id, building="", now=None):
    """The resident says which grid of their community they live in and agrees that its grid worker sees
    their name and phone and books for them. The time of the consent is kept."""
    now = now or timezone.now()
    grid = grids_for_resident(user).filter(pk=parse_id(grid_id)).first() if parse_id(grid_id) else None
    if grid is None:
        raise InvalidInput(_("Choose one of the grids of your community."))
    building = " ".join(str(building or "").split())
    if len(building) > 50:
        raise InvalidInput(_("The building or courtyard is too long: at most 50 characters."))
    with transaction.atomic():
        membership, _created = GridResident.objects.select_for_update().get_or_create(
            user=user, defaults={"grid": grid}
        )
        membership.grid, membership.building = grid, building
        membership.consented_at, membership.withdrawn_at = now, None
        membership.save()
        audit.record(Action.Code.GRID_CONSENT_GIVEN, person=user, detail={"grid": grid.pk})
    return membership


def withdraw(user, now=None):
    """The resident withdraws their consent: from now on the grid worker no longer sees them."""
    now = now or timezone.now()
    with transaction.atomic():
        membership = GridResident.objects.select_for_update().filter(user=user).first()
        if membership is None or not membership.consents:
            raise NotFound(_("You have not agreed to be seen by a grid worker."))
        membership.withdrawn_at = now
        membership.save(update_fields=["withdrawn_at"])
        audit.record(Action.Code.GRID_CONSENT_WITHDRAWN, person=user, detail={"grid": membership.grid_id})
    return membership


def export_of(user):
    """The resident's grid and consent, for their copy of their data."""
    membership = membership_of(user)
    if membership is None:
        return None
    return {
        "grid": {"id": membership.grid_id, "name": str(membership.grid)},
        "building": membership.building,
        "consented_at": membership.consented_at,
        "withdrawn_at": membership.withdrawn_at,
    }


# --- the grid worker's side --------------------------------------------------------------------


def grids(worker):
    _require_worker(worker)
    return list(workers.grids_of(worker).order_by("community__street__position", "community__pk", "number"))


def grid_of(worker, grid_id):
    _require_worker(worker)
    grid = workers.grids_of(worker).filter(pk=parse_id(grid_id)).first() if parse_id(grid_id) else None
    if grid is None:
        raise NotFound(_("This is not one of your grids."))
    return grid


def residents(worker, grid):
    """The residents of one of the worker's grids who agreed, by building: each one seen is recorded."""
    rows = list(workers.consenting_residents(worker, grid).order_by("building", "user__name", "pk"))
    audit.record_access(worker, None, Access.What.GRID_RESIDENTS, people=[row.user_id for row in rows])
    return rows


def resident(worker, resident_id):
    """One consenting resident of the worker's grids (none else), the read recorded."""
    _require_worker(worker)
    row = (
        workers.consenting_residents(worker).filter(user_id=parse_id(resident_id)).first()
        if parse_id(resident_id)
        else None
    )
    if row is None:
        raise NotFound(_("There is no such resident among those of your grids who agreed to it."))
    audit.record_access(worker, None, Access.What.GRID_BOOKING, people=[row.user_id])
    return row


def book(worker, resident_id, slot_id, consent, note="", now=None, mode=None, declared_group=""):
    """Book a place for a consenting resident of the worker's grids, with the consent they gave at the door.

    ``mode``: on site or online (video), the resident's choice for a service offered both ways;
    ``declared_group``: the group the resident declares for a service for members of a group."""
    row = resident(worker, resident_id)
    return booking_services.book_for_resident(
        worker,
        booking_services.Booking.Channel.GRID,
        slot_id,
        row.user,
        consent,
        note=note,
        now=now,
        mode=mode,
        declared_group=declared_group,
    )


def organisations_for_demands():
    """The organisations a demand may be dispatched to (the matters engine's desks of kind ``demand``)."""
    return [desk.organisation for desk in matter_services.desks_for(kinds.DEMAND)]


def record_demand(worker, grid_id, text, category, place, organisation, resident_id=None, photos=(), now=None):
    """A demand heard at the door, dispatched to ``organisation`` as a matter of kind ``demand``.

    ``resident_id``: a consenting resident of the grid it concerns (optional): they are its applicant and see
    its progress; without one the grid worker is. ``photos``: uploaded files, kept as the matter's materials.
    """
    now = now or timezone.now()
    grid = grid_of(worker, grid_id)
    person = None
    if resident_id not in (None, ""):
        row = workers.consenting_residents(worker, grid).filter(user_id=parse_id(resident_id)).first()
        if row is None:
            raise InvalidInput(_("Choose a resident of this grid who agreed to it, or nobody."))
        person = row.user
    if organisation in (None, ""):
        raise InvalidInput(_("Choose the organisation to send it to."))
    with transaction.atomic():
        matter = matter_services.submit(
            person or worker,
            kinds.DEMAND.code,
            text,
            fields={"category": category, "place": place},
            organisation=organisation,
            materials=[("photo", photo) for photo in photos],
            channel=Matter.Channel.GRID,
            now=now,
            submitted_by=worker,
        )
        demand = Demand.objects.create(matter=matter, grid=grid, worker=worker, resident=person, recorded_at=now)
        audit.record(Action.Code.DEMAND_RECORDED, matter=matter, detail={"grid": grid.pk})
    return demand


def demands(worker):
    """The demands the worker recorded, open ones first (the nearest deadline first), then the latest closed."""
    _require_worker(worker)
    return list(
        Demand.objects.filter(worker=worker)
        .select_related("matter__organisation", "grid__community", "resident")
        .order_by(F("matter__closed_at").desc(nulls_first=True), F("matter__due_at").asc(nulls_last=True), "-pk")
    )


def demand(worker, reference):
    """One of the worker's demands with its timeline; the read of a resident's demand is recorded."""
    _require_worker(worker)
    found = (
        Demand.objects.filter(worker=worker, matter__reference=matter_services.clean_reference(reference))
        .select_related("matter__organisation", "grid__community", "resident")
        .first()
    )
    if found is None:
        raise NotFound(_("You recorded no demand with this reference number."))
    if found.resident_id:
        audit.record_access(worker, None, Access.What.GRID_DEMAND, matter=found.matter)
    return found, matter_services.timeline_for_applicant(found.matter)


def send_elsewhere(worker, reference, organisation, now=None):
    """A demand the organisation sent back goes to another organisation: a new demand with the same what, where
    and who (a new reference number; the photos stay with the first), the first one's reference in its text."""
    found, _timeline = demand(worker, reference)
    matter = found.matter
    if matter.status != "returned":
        raise InvalidInput(_("Only a demand the organisation sent back can be sent elsewhere."))
    if str(getattr(organisation, "pk", organisation)) == str(matter.organisation_id):
        raise InvalidInput(_("Choose another organisation than the one that sent it back."))
    text = _("%(text)s\n(Sent back by %(organisation)s as %(reference)s.)") % {
        "text": matter.text,
        "organisation": matter.organisation.name,
        "reference": matter.reference,
    }
    return record_demand(
        worker,
        found.grid_id,
        text[: matter_services.MAX_TEXT],
        matter.fields.get("category"),
        matter.fields.get("place"),
        organisation,
        resident_id=found.resident_id,
        now=now,
    )
