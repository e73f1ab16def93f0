import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from marketplace.booking import services
from marketplace.users.models import Dependant
from marketplace.users.services import (
    DependantInUse,
    add_dependant,
    dependants_of,
    remove_dependant,
)


def test_a_dependant_is_stored_with_a_normalised_phone_shown_masked(resident):
    mother = add_dependant(resident, "  王  秀英 ", "parent", "+86 137-0000-1111")

    assert (mother.owner, mother.name, mother.phone) == (resident, "王 秀英", "13700001111")
    assert mother.masked_phone == "137****1111"
    assert "13700001111" not in str(mother)
    assert list(dependants_of(resident)) == [mother]


@pytest.mark.parametrize(
    ("name", "relation", "phone", "field"),
    [
        ("", "parent", "", "name"),
        ("王秀英", "aunt", "", "relation"),
        ("王秀英", "parent", "555", "phone"),
    ],
)
def test_bad_dependants_are_refused_per_field(resident, name, relation, phone, field):
    with pytest.raises(ValidationError) as refused:
        add_dependant(resident, name, relation, phone)

    assert field in refused.value.message_dict
    assert not Dependant.objects.exists()


def test_a_household_has_a_limit(resident):
    assert settings.DEPENDANT_LIMIT == 10
    for number in range(settings.DEPENDANT_LIMIT):
        add_dependant(resident, f"家人{number}", "other")

    with pytest.raises(ValidationError):
        add_dependant(resident, "再一个", "other")


def test_removing_a_dependant(resident, other_resident, slot, make_slot, offering):
    mother = add_dependant(resident, "王秀英", "parent")
    son = add_dependant(resident, "张小明", "child")
    stranger = add_dependant(other_resident, "李奶奶", "grandparent")
    booking = services.book(resident, slot.pk, dependant=mother.pk)

    with pytest.raises(DependantInUse):
        remove_dependant(resident, mother.pk)
    with pytest.raises(Dependant.DoesNotExist):
        remove_dependant(resident, stranger.pk)

    remove_dependant(resident, son.pk)
    assert not Dependant.objects.filter(pk=son.pk).exists()
    services.cancel_booking(booking)
    remove_dependant(resident, mother.pk)
    # Kept for the booking's record, gone from the resident's choices.
    assert list(dependants_of(resident)) == []
    booking.refresh_from_db()
    assert booking.dependant == mother
    assert Dependant.objects.filter(pk=stranger.pk).exists()


def test_a_resident_with_bookings_cannot_be_deleted_and_their_dependants_stay(resident, slot):
    mother = add_dependant(resident, "王秀英", "parent")
    services.book(resident, slot.pk, dependant=mother.pk)

    # Leaving the service anonymises the person instead (tests/marketplace/users/test_my_data.py).
    with pytest.raises(ProtectedError):
        resident.delete()

    assert Dependant.objects.filter(pk=mother.pk).exists()


def test_deleting_a_resident_who_never_booked_takes_their_dependants_with_them(resident):
    add_dependant(resident, "王秀英", "parent")

    resident.delete()

    assert not Dependant.objects.exists()
