"""The whole API against its own OpenAPI document, as an attacker would try it: schemathesis, on the live app.

The app is the one ``make run`` serves (tests/browser/live_app.py: development
settings, demo data, its clock at 10:00 on a working day), on a copy of the
run's demo database of its own, on SQLite or on PostgreSQL as ``DATABASE_URL``
says. Every operation in ``/api/v1/openapi.json`` is called with the schema's
boundary values and with generated requests, well-formed and malformed,
anonymously and as a demo resident with a token, and every answer must be one
the document declares: no 5xx, a declared status, a declared content type and
a body of the declared shape. The run is bounded and repeatable (a fixed seed,
derandomized, a few examples per operation).

What would spoil the rest of the run is left out of the resident's run and
tried on an account of its own at the end: revoking tokens (the run's token
could be the one revoked) and deleting the account. Known ids (the resident's
own bookings and another resident's) are tried through every path that takes
one, which random codes would never hit.
"""

import json
import urllib.request
import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.browser.live_app import serve
from tests.conftest import PASSWORD

pytestmark = pytest.mark.live_app

API = "/api/v1"
SEED = 20261205
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
RESIDENT = "resident-001@example.com"
OTHER_RESIDENT = "resident-002@example.com"

# Operations that would spoil the rest of the resident's run: each is tried at the end, on its own account.
DESTRUCTIVE = (
    ("DELETE", f"{API}/auth/token"),  # revokes the run's own token
    ("DELETE", f"{API}/auth/tokens/{{token_id}}"),  # ids 1, 2, … would hit the run's own token
    ("DELETE", f"{API}/me"),  # deletes the account
)


@pytest.fixture(scope="module")
def api_base(live_demo):
    """The live app on a copy of the run's demo database of its own: the run books, joins waiting lines and
    registers, and the browser journeys must not meet any of it."""
    if live_demo is None:  # BROWSER_BASE_URL: an app its owner started
        import os

        yield os.environ["BROWSER_BASE_URL"].rstrip("/")
        return
    with serve(live_demo) as base_url:
        yield base_url


def call(base, method, path, body=None, token=None):
    """(status, JSON body) of one request to the live app."""
    request = urllib.request.Request(
        base + path,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"content-type": "application/json", **({"authorization": f"Bearer {token}"} if token else {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw else None


def token_for(base, email, password=PASSWORD):
    status, body = call(base, "POST", f"{API}/auth/token", {"email": email, "password": password})
    assert status == 200, body
    return body["token"]


def config(**overrides):
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": 8, "deterministic": True, "database": "none", **overrides},
            "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True}},
            "warnings": False,
        }
    )


@pytest.fixture(scope="module")
def api_schema(api_base):
    return schemathesis.openapi.from_url(f"{api_base}{API}/openapi.json", config=config())


@pytest.fixture(scope="module")
def resident_token(api_base):
    return token_for(api_base, RESIDENT)


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
    # schemathesis 4.32 names each operation's subtest by rewriting ``node._nodeid``, which pytest 9 no longer
    # has (its node id is ``_id``): given the attribute, it only renames its own reports.
    request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("api_schema")

QUICK = settings(max_examples=8, derandomize=True, database=None, suppress_health_check=list(HealthCheck))


@schema.parametrize()
@QUICK
def test_anonymous_requests_get_only_answers_the_document_declares(case, api_base):
    case.call_and_validate(base_url=api_base, checks=CHECKS)


def _not_destructive(ctx):
    return (ctx.operation.method.upper(), ctx.operation.path) not in DESTRUCTIVE


@schema.include(_not_destructive).parametrize()
@QUICK
def test_a_residents_requests_get_only_answers_the_document_declares(case, api_base, resident_token):
    case.call_and_validate(base_url=api_base, headers={"Authorization": f"Bearer {resident_token}"}, checks=CHECKS)


def validated(api_schema, api_base, method, path, token=None, **parts):
    """Call one operation of the document with these parts (``path_parameters``, ``query``, ``body``) and check
    its answer as the runs above do; the response."""
    operation = api_schema[path][method]
    case = operation.Case(headers={"Authorization": f"Bearer {token}"} if token else None, **parts)
    response = case.call(base_url=api_base)
    case.validate_response(response, checks=CHECKS)
    return response


def test_revoking_tokens_and_deleting_the_account_answer_as_declared_and_take_effect(api_schema, api_base):
    """The operations the resident's run leaves out, on an account of their own, in the order a person would."""
    email = f"leaving-{uuid.uuid4().hex[:8]}@example.com"
    status, body = call(
        api_base,
        "POST",
        f"{API}/auth/register",
        {"email": email, "password": "Kunming-Spring-88", "name": "临时", "phone": "13700009999"},
    )
    assert status == 201, body
    first, second = token_for(api_base, email, "Kunming-Spring-88"), token_for(api_base, email, "Kunming-Spring-88")
    listed = validated(api_schema, api_base, "GET", f"{API}/auth/tokens", first).json()["results"]
    second_id = next(each["id"] for each in listed if not each["current"])

    revoke_one = f"{API}/auth/tokens/{{token_id}}"
    assert (
        validated(
            api_schema, api_base, "DELETE", revoke_one, first, path_parameters={"token_id": second_id}
        ).status_code
        == 204
    )
    assert call(api_base, "GET", f"{API}/bookings", token=second)[0] == 401
    assert (
        validated(
            api_schema, api_base, "DELETE", revoke_one, first, path_parameters={"token_id": second_id}
        ).status_code
        == 404
    )

    assert validated(api_schema, api_base, "DELETE", f"{API}/auth/token", first).status_code == 204
    assert call(api_base, "GET", f"{API}/bookings", token=first)[0] == 401

    third = token_for(api_base, email, "Kunming-Spring-88")
    wrong = validated(api_schema, api_base, "DELETE", f"{API}/me", third, body={"password": "not-mine"})
    assert wrong.status_code == 401
    assert (
        validated(
            api_schema, api_base, "DELETE", f"{API}/me", third, body={"password": "Kunming-Spring-88"}
        ).status_code
        == 204
    )
    assert call(api_base, "GET", f"{API}/bookings", token=third)[0] == 401
    assert call(api_base, "POST", f"{API}/auth/token", {"email": email, "password": "Kunming-Spring-88"})[0] == 401


CODE_PATHS = [
    ("GET", f"{API}/bookings/{{code}}"),
    ("GET", f"{API}/bookings/{{code}}/history"),
    ("POST", f"{API}/bookings/{{code}}/cancel"),
    ("POST", f"{API}/bookings/{{code}}/pay"),
    ("POST", f"{API}/bookings/{{code}}/reschedule"),
    ("POST", f"{API}/bookings/{{code}}/rating"),
]


def test_another_residents_booking_codes_lead_nowhere_through_any_path(api_schema, api_base, resident_token):
    """Random codes never hit a real booking: real ones of another resident, through every path that takes a
    code, are answered like codes that do not exist, and the booking is left as it was."""
    other = token_for(api_base, OTHER_RESIDENT)
    theirs = call(api_base, "GET", f"{API}/bookings", token=other)[1]["results"]
    assert theirs, f"the demo gives {OTHER_RESIDENT} bookings"
    document_paths = {
        (method.upper(), path) for path, methods in api_schema.raw_schema["paths"].items() for method in methods
    }
    assert {(method, path) for method, path in CODE_PATHS} == {
        entry for entry in document_paths if "{code}" in entry[1]
    }

    for booking in theirs[:3]:
        for method, path in CODE_PATHS:
            parts = {"path_parameters": {"code": booking["code"]}}
            if path.endswith("reschedule"):
                parts["body"] = {"slot": booking["slot"]["id"]}
            if path.endswith("rating"):
                parts["body"] = {"stars": 5}
            response = validated(api_schema, api_base, method, path, resident_token, **parts)
            assert response.status_code == 404, (method, path, response.text)
            assert booking["code"] not in response.text
        # Nor does staff's check-in take a resident's word for it.
        response = validated(
            api_schema, api_base, "POST", f"{API}/provider/checkins", resident_token, body={"code": booking["code"]}
        )
        assert response.status_code == 403
    assert call(api_base, "GET", f"{API}/bookings", token=other)[1]["results"] == theirs


@pytest.mark.parametrize(
    ("method", "path", "parts"),
    [
        pytest.param("GET", f"{API}/services", {"query": {"page_size": 1_000_000}}, id="huge page size"),
        pytest.param("GET", f"{API}/services", {"query": {"page": 10**30}}, id="huge page"),
        pytest.param(
            "GET", f"{API}/services/{{service_id}}", {"path_parameters": {"service_id": "٣"}}, id="Arabic-Indic digit"
        ),
        pytest.param(
            "GET", f"{API}/services/{{service_id}}", {"path_parameters": {"service_id": "²"}}, id="superscript digit"
        ),
        pytest.param(
            "GET", f"{API}/services/{{service_id}}", {"path_parameters": {"service_id": "9" * 30}}, id="30 digits"
        ),
        pytest.param(
            "GET",
            f"{API}/services/{{service_id}}/slots",
            {"path_parameters": {"service_id": 1}, "query": {"from": "2026-02-30"}},
            id="no such date",
        ),
        pytest.param("POST", f"{API}/bookings", {"body": {"slot": "１"}}, id="full-width digit as slot"),
        pytest.param("POST", f"{API}/bookings", {"body": {"slot": 1, "note": "注" * 5000}}, id="long note"),
        pytest.param(
            "POST",
            f"{API}/dependants",
            {"body": {"name": "x" * 2_000_000, "relation": "parent"}},
            id="body over the upload limit",
        ),
        pytest.param(
            "GET", f"{API}/index/streets", {"query": {"period": "2026-Q٤"}}, id="period with an Arabic-Indic digit"
        ),
    ],
)
def test_what_an_attacker_would_send_is_a_declared_4xx(api_schema, api_base, resident_token, method, path, parts):
    response = validated(api_schema, api_base, method, path, resident_token, **parts)

    assert 400 <= response.status_code < 500, response.text
    assert response.json()["code"]
