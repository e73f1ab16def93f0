"""The people a resident books for: an elderly parent, a child (bearer token required)."""

from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status

from marketplace.api.errors import invalid
from marketplace.api.schemas import Error, Text
from marketplace.api.security import ExpiringBearerAuth
from marketplace.users import services

router = Router(tags=["dependants"], auth=ExpiringBearerAuth())

Relation = Literal["parent", "grandparent", "child", "spouse", "other"]


class DependantIn(Schema):
    name: Text(100)
    relation: Text(20)
    phone: Text(20) | None = None


class DependantOut(Schema):
    id: int
    name: str
    relation: Relation
    phone: str = ""


class DependantList(Schema):
    results: list[DependantOut]


def dependant_json(dependant):
    # The phone is shown masked, as everywhere: the caller typed it once and knows it.
    return {"id": dependant.pk, "name": dependant.name, "relation": dependant.relation, "phone": dependant.masked_phone}


@router.get("", response={200: DependantList, 401: Error})
def list_dependants(request):
    """The caller's dependants, in the order they were added."""
    return {"results": [dependant_json(dependant) for dependant in services.dependants_of(request.user)]}


@router.post("", response={201: DependantOut, frozenset({400, 401}): Error})
def add_dependant(request, payload: DependantIn):
    """Register someone the caller books for; book for them with ``dependant`` in POST /bookings."""
    try:
        dependant = services.add_dependant(request.user, payload.name, payload.relation, payload.phone or "")
    except ValidationError as error:
        raise invalid(" ".join(message for messages in error.message_dict.values() for message in messages)) from error
    return Status(201, dependant_json(dependant))
