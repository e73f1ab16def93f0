"""An address that is not there: the site's own page, in the resident's language, repeating nothing of the address."""

from django.utils import translation

NOT_FOUND = "We could not find this page. It may have moved, or the address may be mistyped."


def test_an_unknown_address_gets_the_sites_page_in_chinese(client, home_page):
    response = client.get("/no-such-page/BOOKING-CODE-1/")

    assert response.status_code == 404
    with translation.override("zh-hans"):
        assert translation.gettext(NOT_FOUND) in response.content.decode()
    assert 'lang="zh-hans"' in response.content.decode()
    assert "BOOKING-CODE-1" not in response.content.decode()


def test_the_page_follows_the_chosen_language_and_its_switches_lead_home(client, home_page):
    client.cookies["django_language"] = "en"

    response = client.get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert NOT_FOUND in page
    assert 'name="next" type="hidden" value="/"' in page
    assert "/no-such-page/" not in page
