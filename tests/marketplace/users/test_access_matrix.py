"""The authorization matrix of the resident's own data and sign-ins (issue 18), on the web and in the API.

Six kinds of visitor (nobody signed in, the resident, another resident, staff of provider A and of provider B,
the district administrator) ask for each address, by each method, naming the resident's own objects where an
address takes an id. Everyone signed in has data of their own, so each gets their own answer; nobody gets the
resident's, and nobody but the resident changes it. The rest of the matrix: Oscar's dashboard in
tests/marketplace/dashboard/test_access.py, the console in tests/providers/console/test_isolation.py, and
every address of the project classed in tests/test_url_classes.py.
"""

import json

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from wagtail.models import APIToken

from marketplace.matters import services as matters
from marketplace.matters.models import Desk
from marketplace.users import tokens
from tests.conftest import PASSWORD
from tests.marketplace.api.conftest import API

KINDS = ("anonymous", "resident", "another resident", "staff of A", "staff of B", "administrator")
LOGIN = "/shop/accounts/login/"
ADMIN_LOGIN = "/django-admin/login/"


@pytest.fixture
def people(resident, other_resident, staff, other_staff, admin_user):
    return {
        "anonymous": None,
        "resident": resident,
        "another resident": other_resident,
        "staff of A": staff,
        "staff of B": other_staff,
        "administrator": admin_user,
    }


@pytest.fixture
def residents_token(resident):
    token, plaintext = tokens.issue(resident)
    return token, plaintext


def web(person):
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def api(person):
    if person is None:
        return Client()
    _token, plaintext = tokens.issue(person)
    return Client(headers={"authorization": f"Bearer {plaintext}"})


def to_sign_in(response, login=LOGIN):
    return response.status_code == 302 and response["Location"].startswith(login)


def still_working(token):
    return APIToken.objects.filter(pk=token.pk, revoked_at__isnull=True).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_my_data_pages_show_each_person_their_own_and_send_visitors_to_sign_in(people, resident, kind):
    person = people[kind]
    client = web(person)
    pages = {
        "my data": reverse("my-data"),
        "download": reverse("my-data-download"),
        "delete account": reverse("delete-account"),
        "Oscar's delete profile": "/shop/accounts/profile/delete/",
        "apps signed in": reverse("api-tokens"),
        "who has seen my data": reverse("access-log"),
    }

    for name, url in pages.items():
        response = client.get(url)
        if person is None:
            assert to_sign_in(response), name
            continue
        assert response.status_code == 200, (name, response.status_code)
        if person != resident:
            assert resident.email not in response.content.decode(), name
    if person is not None:
        assert json.loads(client.get(pages["download"]).content)["profile"]["email"] == person.email


@pytest.mark.parametrize("kind", KINDS)
def test_only_the_resident_signs_out_the_residents_apps(people, resident, residents_token, kind):
    person = people[kind]
    token, _plaintext = residents_token
    client = web(person)
    revoke = reverse("api-token-revoke", kwargs={"token_id": token.pk})

    answers = {
        "GET one": client.get(revoke).status_code,
        "POST one": client.post(revoke).status_code,
    }
    if person is None:
        assert answers == {"GET one": 302, "POST one": 302}
        assert to_sign_in(client.post(revoke))
    else:
        assert answers == {"GET one": 405, "POST one": 302}
    assert still_working(token) == (person != resident)

    token_again, _ = tokens.issue(resident)
    all_of_them = client.post(reverse("api-tokens-revoke-all"))
    assert all_of_them.status_code == 302
    assert still_working(token_again) == (person != resident)


@pytest.mark.parametrize("kind", KINDS)
def test_logout_asks_on_get_signs_out_on_post_and_refuses_other_methods(people, kind):
    client = web(people[kind])
    url = reverse("logout")

    assert client.get(url).status_code == 200
    assert client.get(reverse("my-data")).status_code == (302 if people[kind] is None else 200)
    assert client.put(url).status_code == 405
    assert client.post(url).status_code == 302
    assert to_sign_in(client.get(reverse("my-data")))


@pytest.mark.parametrize("kind", KINDS)
def test_only_the_administrator_lifts_a_lockout(people, resident, kind):
    AccessAttempt.objects.create(
        username=resident.email,
        ip_address="10.0.0.1",
        failures_since_start=99,
        user_agent="",
        http_accept="",
        path_info="",
    )
    client = web(people[kind])

    page = client.post(
        "/django-admin/users/user/", {"action": "lift_signin_lockout", "_selected_action": [resident.pk]}
    )
    attempts = client.get("/django-admin/axes/accessattempt/")

    if kind == "administrator":
        assert (page.status_code, attempts.status_code) == (302, 200)
        assert not AccessAttempt.objects.filter(username=resident.email).exists()
    else:
        assert to_sign_in(page, ADMIN_LOGIN) and to_sign_in(attempts, ADMIN_LOGIN)
        assert AccessAttempt.objects.filter(username=resident.email).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_the_api_gives_each_token_its_own_data_and_sign_ins_only(people, resident, residents_token, kind):
    person = people[kind]
    client = api(person)
    token, _plaintext = residents_token
    json_body = {"content_type": "application/json"}

    export = client.get(f"{API}/me/export")
    listed = client.get(f"{API}/auth/tokens")
    revoke_theirs = client.delete(f"{API}/auth/tokens/{token.pk}")
    delete_me = client.delete(f"{API}/me", json.dumps({"password": "not-the-password"}), **json_body)
    change = client.post(f"{API}/auth/password", json.dumps({"old_password": "x", "new_password": "y"}), **json_body)

    if person is None:
        answers = [export, listed, revoke_theirs, delete_me, change]
        assert [response.status_code for response in answers] == [401] * 5
        assert {response.json()["code"] for response in answers} == {"unauthorized"}
    else:
        assert export.status_code == 200 and export.json()["profile"]["email"] == person.email
        assert listed.status_code == 200
        assert (token.pk in [each["id"] for each in listed.json()["results"]]) == (person == resident)
        assert revoke_theirs.status_code == (204 if person == resident else 404)
        assert (delete_me.status_code, delete_me.json()["code"]) == (401, "bad_credentials")
        assert (change.status_code, change.json()["code"]) == (401, "bad_credentials")
        if person != resident:
            assert resident.email not in export.content.decode() + listed.content.decode()
    assert still_working(token) == (person != resident)
    resident.refresh_from_db()
    assert resident.is_active and resident.check_password(PASSWORD)

    if person is not None:
        assert client.delete(f"{API}/auth/token").status_code == 204
        assert client.get(f"{API}/me/export").status_code == 401


@pytest.fixture
def residents_matter(provider, other_provider, resident):
    """The resident's written question, at provider A; B takes the kind too."""
    Desk.objects.create(kind="legal_question", organisation=provider, is_default=True)
    Desk.objects.create(kind="legal_question", organisation=other_provider)
    return matters.submit(resident, "legal_question", "邻居长期占用楼道", {"category": "housing"})


@pytest.mark.parametrize("kind", KINDS)
def test_a_matter_is_seen_and_moved_only_by_its_organisations_staff_and_read_by_the_district(
    people, residents_matter, provider, other_provider, kind
):
    """Issue 20: staff of A see A's matters only; B's staff, residents (the applicant too, whose pages are their
    own) find nothing in the console; the district reads every matter and takes no step."""
    person = people[kind]
    client = web(person)
    reference = residents_matter.reference
    at_a = {"partner_id": provider.pk, "reference": reference}
    at_b = {"partner_id": other_provider.pk, "reference": reference}

    answers = {
        "queue of A": client.get(reverse("provider:matters", kwargs={"partner_id": provider.pk})),
        "matter at A": client.get(reverse("provider:matter", kwargs=at_a)),
        "matter under B": client.get(reverse("provider:matter", kwargs=at_b)),
        "step under B": client.post(reverse("provider:matter-step", kwargs=at_b), {"action": "answer", "text": "越权"}),
        "district list": client.get(reverse("operations:matters")),
        "district matter": client.get(reverse("operations:matter", kwargs={"reference": reference})),
    }
    step_at_a = client.post(reverse("provider:matter-step", kwargs=at_a), {"action": "answer", "text": "可以起诉"})

    statuses = {name: response.status_code for name, response in answers.items()}
    if person is None:
        assert all(to_sign_in(response) for response in answers.values()) and to_sign_in(step_at_a)
    elif kind == "staff of A":
        assert statuses == {
            "queue of A": 200,
            "matter at A": 200,
            "matter under B": 404,
            "step under B": 404,
            "district list": 403,
            "district matter": 403,
        }
        assert reference in answers["queue of A"].content.decode()
        assert step_at_a.status_code == 302
    elif kind == "administrator":
        assert statuses == {
            "queue of A": 404,
            "matter at A": 404,
            "matter under B": 404,
            "step under B": 404,
            "district list": 200,
            "district matter": 200,
        }
        assert reference in answers["district list"].content.decode()
        assert step_at_a.status_code == 404
    else:
        assert statuses == {
            "queue of A": 404,
            "matter at A": 404,
            "matter under B": 404,
            "step under B": 404,
            "district list": 403,
            "district matter": 403,
        }
        assert step_at_a.status_code == 404
    residents_matter.refresh_from_db()
    assert residents_matter.status == ("answered" if kind == "staff of A" else "submitted")
    for name in ("queue of A", "matter under B", "district list"):
        if kind not in ("staff of A", "administrator"):
            assert "邻居长期占用楼道" not in answers[name].content.decode(), name
