"""The caller's own account (bearer token required): for now, who has seen their data."""

from ninja import Router

from marketplace.api.schemas import AccessLog, Error, local
from marketplace.api.security import ExpiringBearerAuth
from marketplace.audit import services as audit

router = Router(tags=["me"], auth=ExpiringBearerAuth())


@router.get("/access-log", response={200: AccessLog, 401: Error})
def access_log(request):
    """Each time a provider's staff saw the caller's or their dependants' personal data, newest first."""
    return {
        "results": [
            {
                "at": local(access.at),
                "organisation": {"id": access.organisation_id, "name": access.organisation.name},
                "what": access.what,
            }
            for access in audit.access_log_of(request.user).filter(organisation__isnull=False)[:1000]
        ]
    }
