import pytest
from django.test import Client
from wagtail.models import APIToken

API = "/api/v1"


def token_of(user):
    _instance, plaintext = APIToken.create_token(user=user, name="test")
    return plaintext


def authorised_client(user):
    return Client(headers={"authorization": f"Bearer {token_of(user)}"})


@pytest.fixture
def api(client, db):
    """An anonymous client."""
    return client


@pytest.fixture
def resident_api(resident):
    return authorised_client(resident)


@pytest.fixture
def other_api(other_resident):
    return authorised_client(other_resident)


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response["content-type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["detail"], str) and body["detail"]
    return body
