"""The API's ``detail`` is in the language of the request's Accept-Language; ``code`` never changes.

Each expected sentence is looked up with gettext in the asked language, so a
detail left in English (or a message missing from the catalog) fails here.
"""

import json
import re
from datetime import timedelta

import pytest
from django.utils import translation

from tests.marketplace.api.conftest import API, assert_error, authorised_client

CJK = re.compile(r"[\u3400-\u9fff]")
# Field names, codes and example values stay as they are in both languages.
LATIN_WORD = re.compile(r"[A-Za-z_]{2,}")

LANGUAGES = [
    ("en", "en"),
    ("zh-hans", "zh-hans"),
    ("zh-CN", "zh-hans"),
    ("zh", "zh-hans"),
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh-hans"),
]


@pytest.fixture(params=LANGUAGES, ids=[header for header, _language in LANGUAGES])
def language(request):
    return request.param


def in_language(language, message, **params):
    with translation.override(language):
        text = translation.gettext(message)
    return text % params if params else text


def assert_detail(response, status, code, language, *messages, allowed_words=()):
    """The detail is the given sentences, in ``language``, and reads as that language."""
    header, language = language
    body = assert_error(response, status, code)
    expected = " ".join(in_language(language, message, **params) for message, params in messages)
    assert body["detail"] == expected, (header, body)
    if language == "en":
        assert not CJK.search(body["detail"]), body
    else:
        assert CJK.search(body["detail"]), body
        words = set(LATIN_WORD.findall(body["detail"])) - set(allowed_words)
        assert words == set(), body
    return body


def post(client, path, body, language):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(f"{API}{path}", data, content_type="application/json", headers={"accept-language": language[0]})


def get(client, path, language):
    return client.get(f"{API}{path}", headers={"accept-language": language[0]})


# Who is asking


def test_without_a_token(api, language):
    assert_detail(
        get(api, "/bookings", language),
        401,
        "unauthorized",
        language,
        ("Sign in first: send the header “Authorization: Bearer <token>” with a valid token.", {}),
        allowed_words={"Authorization", "Bearer", "token"},
    )


def test_wrong_password(api, resident, language):
    assert_detail(
        post(api, "/auth/token", {"email": resident.email, "password": "wrong"}, language),
        401,
        "bad_credentials",
        language,
        ("The email address or password is not correct.", {}),
    )


def test_a_resident_is_not_provider_staff(resident_api, today_booking, language):
    assert_detail(
        post(resident_api, "/provider/checkins", {"code": today_booking.code}, language),
        403,
        "not_staff",
        language,
        ("Only the staff of a provider can record visits.", {}),
    )


def test_someone_elses_booking_is_not_found(other_api, resident_api, slot, language):
    code = post(resident_api, "/bookings", {"slot": slot.pk}, ("en", "en")).json()["code"]
    assert_detail(
        get(other_api, f"/bookings/{code}", language),
        404,
        "not_found",
        language,
        ("You have no booking with this code.", {}),
    )


def test_no_such_service(api, language):
    assert_detail(get(api, "/services/999999", language), 404, "not_found", language, ("There is no such service.", {}))


def test_no_such_slot(resident_api, language):
    assert_detail(
        post(resident_api, "/bookings", {"slot": 999999}, language),
        404,
        "not_found",
        language,
        ("There is no such time slot.", {}),
    )


# Malformed requests: pydantic's own messages never reach the client


def test_a_required_field_missing(resident_api, language):
    assert_detail(
        post(resident_api, "/bookings", {}, language),
        400,
        "invalid",
        language,
        ("“%(field)s” is required.", {"field": "slot"}),
        allowed_words={"slot"},
    )


def test_a_field_of_the_wrong_type(resident_api, language):
    assert_detail(
        post(resident_api, "/bookings", {"slot": "tomorrow"}, language),
        400,
        "invalid",
        language,
        ("“%(field)s” must be a whole number.", {"field": "slot"}),
        allowed_words={"slot"},
    )


def test_a_body_that_is_not_json(resident_api, language):
    assert_detail(
        post(resident_api, "/bookings", "{slot: 1", language),
        400,
        "invalid",
        language,
        ("The request body is not valid JSON.", {}),
        allowed_words={"JSON"},
    )


def test_a_query_value_out_of_range(api, language):
    body = assert_detail(
        get(api, "/services?page_size=1000", language),
        400,
        "invalid",
        language,
        ("“%(field)s” must be at most %(limit)s.", {"field": "page_size", "limit": 100}),
        allowed_words={"page_size"},
    )
    assert "page_size" in body["detail"]


def test_a_blank_string(staff, language):
    assert_detail(
        post(authorised_client(staff), "/provider/checkins", {"code": "   "}, language),
        400,
        "invalid",
        language,
        ("“%(field)s” must not be empty.", {"field": "code"}),
        allowed_words={"code"},
    )


def test_a_value_pydantic_refuses_with_its_own_words(resident_api, slot, language):
    assert_detail(
        post(resident_api, "/bookings", {"slot": slot.pk, "note": "a\u0000b"}, language),
        400,
        "invalid",
        language,
        ("“%(field)s” is not valid.", {"field": "note"}),
        allowed_words={"note"},
    )


def test_a_weak_password_on_registration(api, language):
    response = post(
        api,
        "/auth/register",
        {"email": "new@example.com", "password": "123", "name": "王五", "phone": "13700000000"},
        language,
    )
    body = assert_error(response, 400, "invalid")
    # Django's own password validators speak the request's language too.
    with translation.override(language[1]):
        too_short = (
            translation.ngettext(
                "This password is too short. It must contain at least %d character.",
                "This password is too short. It must contain at least %d characters.",
                8,
            )
            % 8
        )
    assert too_short in body["detail"], body
    if language[1] == "en":
        assert not CJK.search(body["detail"]), body
    else:  # only the field's name is left in Latin letters
        assert set(LATIN_WORD.findall(body["detail"])) == {"password"}, body


# Conflicts


def test_a_full_slot(resident_api, other_api, make_slot, offering, language):
    full = make_slot(offering, capacity=1)
    post(other_api, "/bookings", {"slot": full.pk}, ("en", "en"))
    assert_detail(
        post(resident_api, "/bookings", {"slot": full.pk}, language),
        409,
        "slot_full",
        language,
        ("This time slot is fully booked. Please choose another time.", {}),
    )


def test_a_past_slot(resident_api, make_slot, offering, language):
    past = make_slot(offering, starts_in=-timedelta(days=1))
    assert_detail(
        post(resident_api, "/bookings", {"slot": past.pk}, language),
        409,
        "slot_closed",
        language,
        ("This time slot has already begun or passed.", {}),
    )


def test_booking_the_same_slot_twice(resident_api, slot, language):
    post(resident_api, "/bookings", {"slot": slot.pk}, ("en", "en"))
    assert_detail(
        post(resident_api, "/bookings", {"slot": slot.pk}, language),
        409,
        "already_booked",
        language,
        ("You have already booked this time slot.", {}),
    )


def test_cancelling_too_late(resident_api, make_slot, offering, language):
    # Bookable online (past the 30 minutes' notice), too late to cancel (2 hours before).
    soon = make_slot(offering, starts_in=timedelta(minutes=90))
    code = post(resident_api, "/bookings", {"slot": soon.pk}, ("en", "en")).json()["code"]
    assert_detail(
        post(resident_api, f"/bookings/{code}/cancel", {}, language),
        409,
        "too_late",
        language,
        ("It is too late to cancel online: this service can be cancelled up to %(hours)d hours before.", {"hours": 2}),
    )


def test_without_accept_language_the_detail_is_chinese(resident_api):
    body = assert_error(resident_api.post(f"{API}/bookings", "{", content_type="application/json"), 400, "invalid")
    assert body["detail"] == in_language("zh-hans", "The request body is not valid JSON.")


def test_the_code_is_the_same_in_every_language(resident_api, make_slot, offering):
    past = make_slot(offering, starts_in=-timedelta(days=1))
    answers = [
        post(resident_api, "/bookings", {"slot": past.pk}, (header, header)).json() for header in ("en", "zh-hans")
    ]
    assert answers[0]["code"] == answers[1]["code"] == "slot_closed"
    assert answers[0]["detail"] != answers[1]["detail"]
