"""Ratings of visits (好差评) for apps and mini-programs: rate a checked-in visit, read a service's satisfaction.

A thin door on ``ratings.services``: who may rate, until when and what a poor
rating opens are decided there, as for the resident's pages.
"""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Router, Schema, Status
from pydantic import Field, Strict

from marketplace.api.catalog import public_service
from marketplace.api.schemas import BookingCode, Error, PathId, Text, local
from marketplace.api.security import ExpiringBearerAuth
from ratings import services
from ratings.models import Rating

router = Router(tags=["ratings"], auth=ExpiringBearerAuth())
services_router = Router(tags=["ratings"])

Tag = Literal[tuple(Rating.Tag.values)]


class RatingIn(Schema):
    stars: Annotated[int, Strict(), Field(ge=1, le=5, description="1 (poor) to 5 (excellent).")]
    tags: list[Tag] = Field(
        default_factory=list, max_length=len(Rating.Tag.values), description="What went well or badly."
    )
    comment: Text(services.MAX_TEXT) = ""


class RatingOut(Schema):
    stars: int
    tags: list[Tag]
    comment: str
    created_at: datetime


class ProviderSatisfaction(Schema):
    id: int
    name: str
    average: float | None = Field(description="Mean stars, two decimals; null below the minimum sample.")
    count: int = Field(description="Visible ratings of visits to this provider for this service.")


class ServiceSatisfaction(Schema):
    average: float | None = Field(description="Mean stars, two decimals; null below the minimum sample.")
    count: int = Field(description="Visible ratings (a moderator's hidden ones count nowhere).")
    distribution: list[int] = Field(description="Ratings with 1, 2, 3, 4 and 5 stars.")
    providers: list[ProviderSatisfaction] = Field(description="Each provider offering the service, by name.")


def average(satisfaction):
    return None if satisfaction.average is None else round(satisfaction.average, 2)


@router.post("/{code}/rating", response={201: RatingOut, frozenset({400, 401, 404, 409}): Error})
def rate(request, code: BookingCode, payload: RatingIn):
    """Rate a visit the caller was checked in for, once, within the rating window after it; two stars or
    fewer open a follow-up case the provider must answer. 409 ``not_ratable``: not checked in, not begun,
    window over or already rated."""
    rating = services.rate_visit(request.user, code, payload.stars, payload.tags, payload.comment)
    return Status(
        201,
        {"stars": rating.stars, "tags": rating.tags, "comment": rating.comment, "created_at": local(rating.created_at)},
    )


@services_router.get(
    "/services/{service_id}/satisfaction",
    response={200: ServiceSatisfaction, frozenset({400, 404}): Error},
    auth=None,
)
def satisfaction(request, service_id: PathId):
    """How residents rated the service's visits, overall and per provider, from visible ratings only; an
    average is published only from the minimum sample on."""
    overall, by_provider = services.service_satisfaction(public_service(service_id).pk)
    return {
        "average": average(overall),
        "count": overall.count,
        "distribution": list(overall.distribution),
        "providers": [
            {"id": partner.pk, "name": partner.name, "average": average(shown), "count": shown.count}
            for partner, shown in by_provider
        ],
    }
