"""Matters through the API: written legal questions, mediation and legal-aid applications (API.md, "Matters").

Every change goes through ``marketplace.matters.services``; this module only
reads the request, calls it and writes the answer. A resident sees only the
matters they applied for (someone else's reference is answered like one that
does not exist); staff see those at their organisations, and each time they
read one it is written down for the applicant's “who has seen my data”.
The progress lookup is public and says nothing personal; it is rate-limited
per client address.
"""

from datetime import datetime
from typing import Annotated, Literal

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import AfterValidator, BeforeValidator, Field, model_serializer

from marketplace.api.errors import ApiError
from marketplace.api.schemas import BodyId, DependantRef, Error, ProviderRef, Text, _storable, local
from marketplace.api.security import ExpiringBearerAuth
from marketplace.matters import kinds, services
from marketplace.matters.models import Matter, MatterStep
from marketplace.users import limits
from marketplace.users.models import mask_phone
from providers import staff as provider_staff

router = Router(tags=["matters"], auth=ExpiringBearerAuth())
provider_router = Router(tags=["provider"], auth=ExpiringBearerAuth())

# The public progress lookup, per client address: enough for a person, too few to guess digits.
PROGRESS_RATE = settings.MATTER_PROGRESS_RATE_PER_ADDRESS


def _blank_is_none(value):
    return None if value == "" else value


Reference = Annotated[str, Field(min_length=1, max_length=20, examples=["ZX-2026-000001"]), AfterValidator(_storable)]


# --- shapes ---------------------------------------------------------------------


class Choice(Schema):
    value: str
    label: str


class FieldOut(Schema):
    name: str
    label: str
    required: bool
    kind: Literal["text", "choice", "date", "number", "boolean", "phone"]
    choices: list[Choice] | None = None

    @model_serializer(mode="wrap")
    def _leave_out_what_does_not_apply(self, handler):
        return {key: value for key, value in handler(self).items() if value is not None}


class MaterialKindOut(Schema):
    kind: str
    label: str
    required: bool


class MatterTypeOut(Schema):
    code: str
    name: str
    description: str
    fields: list[FieldOut]
    materials: list[MaterialKindOut]
    organisations: list[ProviderRef] = Field(
        description="Who takes this type, the default first: the ``organisation`` a submission may name."
    )


class TypeRef(Schema):
    code: str
    name: str


class Named(Schema):
    name: str


class OtherPartyOut(Schema):
    name: str
    phone: str = Field(description="Masked: 139****5678.")


class StepBy(Schema):
    kind: Literal["resident", "staff", "system", "other_party"]
    name: str | None = Field(None, description="For staff, their organisation's name (never the person's).")

    @model_serializer(mode="wrap")
    def _leave_out_what_does_not_apply(self, handler):
        return {key: value for key, value in handler(self).items() if value is not None}


class TimelineEntry(Schema):
    at: datetime
    status: str = Field(description="The matter's status after this step.")
    action: str = Field(
        description="submitted, wait_for_materials, accept, answer, follow_up, rate, request_materials, "
        "materials_complete, assign, transfer, grant, refuse, agree, no_agreement, decline, withdraw, lapse, …"
    )
    by: StepBy
    text: str | None = None

    @model_serializer(mode="wrap")
    def _leave_out_what_does_not_apply(self, handler):
        return {key: value for key, value in handler(self).items() if value is not None}


class MaterialOut(Schema):
    id: int
    kind: str
    name: str
    size: int = Field(description="In bytes.")
    uploaded_at: datetime


class MatterOut(Schema):
    reference: str = Field(examples=["ZX-2026-000123"])
    type: TypeRef
    status: str
    status_label: str = Field(description="For the applicant, in their words; for staff, the console's label.")
    applicant: Named
    dependant: DependantRef | None = Field(description="Who the matter is for, when not the applicant.")
    other_party: OtherPartyOut | None
    organisation: ProviderRef
    assignee: Named | None
    submitted_at: datetime
    due_at: datetime | None = Field(description="The deadline of the current step, counted in working days.")
    closed_at: datetime | None
    timeline: list[TimelineEntry]
    materials: list[MaterialOut]
    bookings: list[str] = Field(description="The codes of the appointments linked to the matter.")
    # Additions to API.md's matter (the contract grows only by adding): what the applicant wrote,
    # which the staff answering it must read.
    text: str = Field(description="What the applicant wrote (empty once the retention period removed it).")
    fields: dict = Field(description="The type's fields as the applicant answered them.")


class MatterList(Schema):
    results: list[MatterOut]


class ProviderMatterList(MatterList):
    count: int = Field(description="How many matters the filters find in all.")
    page: int


class OtherPartyIn(Schema):
    name: Text(100)
    phone: Text(20) = Field(description="A mainland mobile number of 11 digits.")


FieldValue = Annotated[str, Field(max_length=200), AfterValidator(_storable)] | bool | None


class MatterIn(Schema):
    type: Text(40) = Field(description="A code from GET /matter-types.", examples=["legal_question"])
    text: Text(4000) = Field(description="The question, or what the dispute or the case is about.")
    fields: dict[Text(50), FieldValue] | None = Field(
        None, description='The type\'s fields by name, e.g. {"category": "labour"}.'
    )
    other_party: OtherPartyIn | None = Field(None, description="Mediation: who the dispute is with.")
    dependant: BodyId | None = Field(None, description="The id of one of the caller's dependants it is for.")
    organisation: BodyId | None = Field(
        None, description="The organisation that should handle it (one taking this type); left out: the default."
    )


class FollowUpIn(Schema):
    text: Text(4000)


class ProgressFilters(Schema):
    phone_last4: Text(8) = Field("", description="The last four digits of the applicant's mobile number.")


class ProgressStep(Schema):
    at: datetime
    status_label: str


class ProgressOut(Schema):
    reference: str
    type: TypeRef
    status: str
    status_label: str
    submitted_at: datetime
    due_at: datetime | None
    closed_at: datetime | None
    steps: list[ProgressStep]


class QueueFilters(Schema):
    status: Annotated[Text(24) | None, BeforeValidator(_blank_is_none)] = Field(
        None, description="A status code, or “open” / “closed”."
    )
    overdue: Annotated[bool | None, BeforeValidator(_blank_is_none)] = Field(
        None, description="true: only those waiting for the organisation past their deadline."
    )
    page: Annotated[int, Field(ge=1, le=100_000)] = 1
    page_size: Annotated[int, Field(ge=1, le=100)] = 20


class StepIn(Schema):
    action: Text(40) = Field(description="A step the type allows now: accept, answer, assign, transfer, grant, …")
    text: Text(4000) | None = None
    to: BodyId | None = Field(None, description="transfer: the organisation it goes to.")
    assignee: BodyId | None = Field(None, description="assign: the staff member who handles it.")


# --- answers ----------------------------------------------------------------------

DETAILS = (
    Prefetch("steps", queryset=MatterStep.objects.select_related("organisation").order_by("at", "pk")),
    "materials",
    "bookings",
)


def with_details(matters):
    return matters.prefetch_related(*DETAILS)


def type_json(kind):
    return {"code": kind.code, "name": str(kind.name)}


def material_json(material):
    return {
        "id": material.pk,
        "kind": material.kind,
        "name": material.name,
        "size": material.size,
        "uploaded_at": local(material.uploaded_at),
    }


def matter_json(matter, for_staff=False):
    """A matter as API.md writes it; its steps, materials and bookings prefetched if it is one of many."""
    if not hasattr(matter, "_prefetched_objects_cache"):
        prefetch_related_objects([matter], *DETAILS)
    status = matter.status_spec
    dependant = matter.dependant if matter.dependant_id else None
    return {
        "reference": matter.reference,
        "type": type_json(matter.kind_spec),
        "status": matter.status,
        "status_label": str(status.label if for_staff else status.resident_label),
        "applicant": {"name": matter.applicant.get_full_name()},
        "dependant": (
            {"id": dependant.pk, "name": dependant.name, "relation": dependant.relation} if dependant else None
        ),
        "other_party": (
            {"name": matter.other_party_name, "phone": mask_phone(matter.other_party_phone)}
            if matter.other_party_name
            else None
        ),
        "organisation": {"id": matter.organisation_id, "name": matter.organisation.name},
        "assignee": {"name": matter.assignee.get_full_name()} if matter.assignee_id else None,
        "submitted_at": local(matter.submitted_at),
        "due_at": local(matter.due_at),
        "closed_at": local(matter.closed_at),
        "timeline": [
            {
                "at": local(step.at),
                "status": step.status,
                "action": step.action,
                "by": services.who(step),
                "text": step.text or None,
            }
            for step in matter.steps.all()
        ],
        "materials": [material_json(material) for material in matter.materials.all()],
        "bookings": [booking.code for booking in matter.bookings.all()],
        "text": matter.text,
        "fields": matter.fields,
    }


def _staff_only(user):
    if not provider_staff.providers_of(user).exists():
        raise ApiError(403, "not_staff", _("Only the staff of an organisation can see its matters."))


# --- residents ----------------------------------------------------------------------


def _choices(kind, field):
    if field.kind == "service":
        return [(service.slug, service.display_title) for service in services.menu(kind)]
    return field.choices


@router.get("/matter-types", auth=None, response={200: list[MatterTypeOut]})
def matter_types(request):
    """The kinds of matter a resident may submit: what each asks for (``fields``) and which files it takes."""
    return [
        {
            "code": kind.code,
            "name": str(kind.name),
            "description": str(kind.description),
            "fields": [
                {
                    "name": field.name,
                    "label": str(field.label),
                    "required": field.required,
                    # A topic from the kind's menu (法律九进) is a choice among the menu's services.
                    "kind": "choice" if field.kind == "service" else field.kind,
                    "choices": [{"value": value, "label": str(label)} for value, label in _choices(kind, field)]
                    or None,
                }
                for field in kind.fields
            ],
            "materials": [
                {"kind": material.kind, "label": str(material.label), "required": material.required}
                for material in kind.materials
            ],
            "organisations": [
                {"id": desk.organisation_id, "name": desk.organisation.name} for desk in services.desks_for(kind)
            ]
            + [{"id": provider.pk, "name": provider.name} for provider in services.menu_providers_of(kind)],
        }
        for kind in kinds.submittable()
    ]


@router.post("/matters", response={201: MatterOut, frozenset({400, 401, 409}): Error})
def submit(request, payload: MatterIn):
    """Submit a matter for the caller (or one of their dependants). 400 ``invalid`` (a required field missing,
    an unknown choice, a bad mobile number…) or ``unknown_type``; 409 ``not_eligible`` (the legal-aid screen says
    no), ``not_available`` (no organisation takes this type yet). Nothing is created on any error. A legal-aid
    application waits in ``awaiting_materials`` until its files are added (POST …/materials)."""
    matter = services.submit(
        request.user,
        payload.type,
        payload.text,
        fields=payload.fields,
        other_party=payload.other_party.dict() if payload.other_party is not None else None,
        dependant=payload.dependant,
        organisation=payload.organisation,
        channel=Matter.Channel.API,
    )
    return Status(201, matter_json(matter))


@router.get("/matters", response={200: MatterList, 401: Error})
def list_matters(request):
    """The caller's matters, newest first."""
    return {"results": [matter_json(matter) for matter in with_details(services.matters_of(request.user))]}


@router.get("/matters/{reference}", response={200: MatterOut, frozenset({400, 401, 404}): Error})
def matter_detail(request, reference: Reference):
    """One of the caller's matters; 404 if the caller did not apply for it."""
    return matter_json(services.matter_of_applicant(request.user, reference))


@router.post(
    "/matters/{reference}/materials", response={201: MaterialOut, frozenset({400, 401, 404, 409, 413, 415}): Error}
)
def add_material(request, reference: Reference, kind: Form[Text(24)], file: File[UploadedFile]):
    """Add a file to one of the caller's matters (multipart: ``kind``, one of the type's material kinds, and
    ``file``). 409 ``not_now`` when the matter takes no more files; 413 ``too_large``; 415 ``unsupported_type``
    (a PDF or a photo, judged by the content, not the name). A legal-aid application whose required files are
    then all there goes on to be decided."""
    matter = services.matter_of_applicant(request.user, reference)
    material = services.add_material(request.user, matter.reference, kind, file)
    return Status(201, material_json(material))


@router.post("/matters/{reference}/follow-up", response={201: MatterOut, frozenset({400, 401, 404, 409}): Error})
def follow_up(request, reference: Reference, payload: FollowUpIn):
    """Ask the one follow-up question of an answered written question. 409 ``follow_up_used`` once it was asked,
    ``step_not_allowed`` before the answer, after closing, or for a type without follow-ups."""
    matter = services.matter_of_applicant(request.user, reference)
    matter = services.take_step(request.user, matter.reference, "follow_up", payload.text, matter=matter)
    return Status(201, matter_json(matter))


def _count_lookup(request):
    usage = get_usage(
        request,
        group="matters:progress:address",
        key=lambda _group, _request: limits.client_address(request),
        rate=PROGRESS_RATE,
        increment=True,
    )
    if usage and usage["should_limit"]:
        wait = usage["time_left"]
        raise limits.RateLimited(limits.with_wait(_("Too many progress lookups from here."), wait), retry_after=wait)


@router.get("/progress/{reference}", auth=None, response={200: ProgressOut, frozenset({400, 404, 429}): Error})
def progress(request, reference: Reference, filters: Query[ProgressFilters]):
    """Where a matter stands, for anyone with its reference number and the last four digits of the applicant's
    mobile number: status and dates only, nothing personal. An unknown reference and wrong digits are answered
    alike (404 ``not_found``); too many lookups from one address: 429 ``rate_limited`` with ``Retry-After``."""
    _count_lookup(request)
    found = services.progress(reference, filters.phone_last4)
    return {
        **found,
        "submitted_at": local(found["submitted_at"]),
        "due_at": local(found["due_at"]),
        "closed_at": local(found["closed_at"]),
        "steps": [{"at": local(step["at"]), "status_label": step["status_label"]} for step in found["steps"]],
    }


# --- staff ----------------------------------------------------------------------------


@provider_router.get("/matters", response={200: ProviderMatterList, frozenset({400, 401, 403}): Error})
def queue(request, filters: Query[QueueFilters]):
    """The matters at the caller's organisations: open ones first, the oldest deadline first. ``status``: a
    status code, ``open`` or ``closed``; ``overdue=true``: those waiting for the organisation past their
    deadline. Each matter listed is recorded as seen by the caller's organisation. 403 ``not_staff``."""
    _staff_only(request.user)
    matters = services.queue_of(request.user, status=filters.status, overdue=filters.overdue)
    start = (filters.page - 1) * filters.page_size
    page = list(with_details(matters)[start : start + filters.page_size])
    services.record_queue_read(request.user, page)
    return {
        "count": matters.count(),
        "page": filters.page,
        "results": [matter_json(matter, for_staff=True) for matter in page],
    }


@provider_router.post(
    "/matters/{reference}/steps", response={200: MatterOut, frozenset({400, 401, 403, 404, 409}): Error}
)
def take_step(request, reference: Reference, payload: StepIn):
    """Take a step on a matter of one of the caller's organisations (``accept``, ``answer``,
    ``request_materials``, ``assign`` with ``assignee``, ``transfer`` with ``to`` and ``text``, ``grant``,
    ``refuse``, ``close``…: what its type allows from its status). 409 ``step_not_allowed`` (nothing changes);
    ``materials_missing`` (recording an agreement before it is uploaded); 400 ``invalid`` (text missing, an
    assignee or organisation that cannot be chosen); 404 if the matter is not at the caller's organisations."""
    _staff_only(request.user)
    matter = services.matter_for_staff(request.user, reference)
    matter = services.take_step(
        request.user,
        matter.reference,
        payload.action,
        payload.text or "",
        to=payload.to,
        assignee=payload.assignee,
        matter=matter,
    )
    if services.role_of(request.user, matter) == kinds.STAFF:  # not once it is transferred away
        services.record_view(request.user, matter)
    return matter_json(matter, for_staff=True)
