"""“Apps signed in” under the resident's account: their API tokens, each signed out with a button."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from wagtail.models import APIToken

from tests.marketplace.api.conftest import API, assert_error, authorised_client, token_of


def test_the_page_lists_the_residents_working_tokens_only(client, resident, other_resident):
    mine = APIToken.objects.get(key_hash=APIToken.hash_token(token_of(resident)))
    expired = APIToken.objects.get(key_hash=APIToken.hash_token(token_of(resident)))
    APIToken.objects.filter(pk=expired.pk).update(created=timezone.now() - timedelta(days=100))
    token_of(other_resident)
    client.force_login(resident)

    page = client.get(reverse("api-tokens"))

    assert page.status_code == 200
    text = page.content.decode()
    assert "已登录的应用" in text
    assert [token.pk for token, _expires in page.context["tokens"]] == [mine.pk]
    assert reverse("api-token-revoke", kwargs={"token_id": mine.pk}) in text
    assert reverse("api-token-revoke", kwargs={"token_id": expired.pk}) not in text
    # Reached from "my bookings".
    assert reverse("api-tokens") in client.get(reverse("my-data")).content.decode()  # "my data and settings"


def test_signing_out_one_app_from_the_web(client, resident):
    lost = authorised_client(resident)
    kept = authorised_client(resident)
    lost_id = APIToken.objects.filter(user=resident).order_by("pk").first().pk
    client.force_login(resident)

    page = client.post(reverse("api-token-revoke", kwargs={"token_id": lost_id}), follow=True)

    assert page.redirect_chain[-1][0] == reverse("api-tokens")
    assert_error(lost.get(f"{API}/bookings"), 401, "unauthorized")
    assert kept.get(f"{API}/bookings").status_code == 200
    assert [message.level_tag for message in page.context["messages"]] == ["success"]


def test_signing_out_every_app_from_the_web(client, resident):
    apps = [authorised_client(resident) for _n in range(3)]
    client.force_login(resident)

    page = client.post(reverse("api-tokens-revoke-all"), follow=True)

    assert 'id="no-api-tokens"' in page.content.decode()
    for app in apps:
        assert_error(app.get(f"{API}/bookings"), 401, "unauthorized")


def test_nobody_signs_out_someone_elses_app(client, resident, other_resident):
    theirs = authorised_client(other_resident)
    their_id = APIToken.objects.get(user=other_resident).pk
    client.force_login(resident)

    page = client.post(reverse("api-token-revoke", kwargs={"token_id": their_id}), follow=True)

    assert [message.level_tag for message in page.context["messages"]] == ["error"]
    assert theirs.get(f"{API}/bookings").status_code == 200


def test_the_page_needs_a_signed_in_resident_and_signing_out_a_post(client, resident):
    assert client.get(reverse("api-tokens")).status_code == 302
    assert client.post(reverse("api-tokens-revoke-all")).status_code == 302
    client.force_login(resident)
    assert client.get(reverse("api-tokens-revoke-all")).status_code == 405
