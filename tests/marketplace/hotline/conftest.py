import pytest
from django.contrib.auth.models import Permission

from marketplace.matters.models import Desk
from tests.marketplace.notifications.conftest import sms  # noqa: F401 (the mocked SMS gateway)


@pytest.fixture
def operator(make_user):
    """An operator of the 12348 hotline (热线坐席): the permission, no provider."""
    user = make_user(email="hotline@example.com", name="钱坐席", phone="13700871006")
    user.user_permissions.add(Permission.objects.get(content_type__app_label="hotline", codename="take_calls"))
    return user


@pytest.fixture
def desks(provider):
    for kind in ("legal_question", "mediation", "legal_aid"):
        Desk.objects.create(kind=kind, organisation=provider, is_default=True)
    return provider
