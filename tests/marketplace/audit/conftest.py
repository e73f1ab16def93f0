import pytest

from marketplace.audit.models import Access, Action


def entries(**filters):
    """(action, door, actor kind) of every recorded change, oldest first."""
    return [(entry.action, entry.door, entry.actor_kind) for entry in Action.objects.filter(**filters)]


def seen(**filters):
    """(what, person id, organisation id) of every access to personal data."""
    return sorted(
        (access.what, access.person_id, access.organisation_id) for access in Access.objects.filter(**filters)
    )


@pytest.fixture
def resident_client(client, resident):
    client.force_login(resident)
    client.cookies["django_language"] = "en"
    return client
