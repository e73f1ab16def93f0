"""The resident chooses the language of their notices: at registration from the page's language, later on a page."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from marketplace.booking import services
from marketplace.notifications import notices
from tests.conftest import PASSWORD

User = get_user_model()
PAGE = "/shop/accounts/notices/"


def register(client, email):
    return client.post(reverse("customer:register"), {"email": email, "password1": PASSWORD, "password2": PASSWORD})


def test_registering_on_the_english_site_means_notices_in_english(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    register(client, "english@example.com")

    assert User.objects.get(email="english@example.com").language == "en"


def test_registering_on_the_chinese_site_means_notices_in_chinese(client, db):
    register(client, "chinese@example.com")

    assert User.objects.get(email="chinese@example.com").language == "zh-hans"


def test_the_page_changes_the_language_of_the_next_notices(client, resident, slot):
    assert reverse("notice-settings") == PAGE
    client.login(email=resident.email, password=PASSWORD)
    page = client.get(PAGE).content.decode()
    assert '<input type="radio" name="language" value="zh-hans"' in page
    assert 'for="id_language_1"' in page

    response = client.post(PAGE, {"language": "en"}, follow=True)

    resident.refresh_from_db()
    assert resident.language == "en"
    assert response.redirect_chain[-1][0] == PAGE
    booking = services.book(resident, slot.pk)
    notices.confirm(booking)
    page = client.get(PAGE).content.decode()
    assert booking.code in page  # what was sent is listed


def test_an_unknown_language_is_refused_and_changes_nothing(client, resident):
    client.login(email=resident.email, password=PASSWORD)

    response = client.post(PAGE, {"language": "fr"})

    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    resident.refresh_from_db()
    assert resident.language == "zh-hans"


def test_the_page_is_for_signed_in_residents(client, db):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("customer:login"))
