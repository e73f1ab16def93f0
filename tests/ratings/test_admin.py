"""Ratings in the Django admin: to look up, not to change (hiding goes through the moderation page).

Their follow-up cases are matters now, looked up in the console's queue, not in the admin."""

from django.urls import reverse


def test_ratings_are_listed_and_found_by_booking_code(client, admin_user, rated):
    client.force_login(admin_user)

    for name in ("admin:ratings_rating_changelist",):
        response = client.get(reverse(name), {"q": rated.booking.code})
        assert response.status_code == 200
        assert rated.booking.code in response.content.decode()
        assert client.get(reverse(name), {"q": "NOPE42"}).status_code == 200
    assert client.get(reverse("admin:ratings_rating_changelist"), {"hidden": "yes"}).status_code == 200


def test_nothing_is_added_changed_or_deleted_there(client, admin_user, rated):
    client.force_login(admin_user)

    assert client.get(reverse("admin:ratings_rating_add")).status_code == 403
    assert client.post(reverse("admin:ratings_rating_delete", args=[rated.pk]), {"post": "yes"}).status_code == 403
    response = client.post(reverse("admin:ratings_rating_change", args=[rated.pk]), {"stars": "5"})
    assert response.status_code == 403
    rated.refresh_from_db()
    assert rated.stars == 1
