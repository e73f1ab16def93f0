from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission

from tests.conftest import ended_booking
from tests.marketplace.notifications.conftest import sms  # noqa: F401  (the mocked SMS gateway, for the notice tests)


@pytest.fixture
def visit(resident, make_slot, offering):
    """The resident's visit that ended three hours ago and was checked in: rateable."""
    return ended_booking(resident, make_slot, offering, ended_ago=timedelta(hours=3), status="checked_in")


@pytest.fixture
def make_visit(make_slot, offering):
    def make(user, ended_ago=timedelta(hours=3), status="checked_in"):
        return ended_booking(user, make_slot, offering, ended_ago=ended_ago, status=status)

    return make


@pytest.fixture
def moderator(make_user):
    user = make_user(email="moderator@panlong.example", name="钱审核", phone="13600000003")
    user.user_permissions.add(Permission.objects.get(codename="moderate_rating", content_type__app_label="ratings"))
    return user


@pytest.fixture
def rated(visit):
    """The visit rated 1 star: a follow-up case is open."""
    from ratings import services

    return services.rate_visit(visit.user, visit.code, 1, tags=["long_wait"], comment="等了一个小时")


@pytest.fixture
def answered(rated, staff):
    from ratings import services

    return services.answer_case(staff, rated.matter.pk, "非常抱歉，已安排专人回访")
