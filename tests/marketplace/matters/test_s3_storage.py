"""Matters' materials in S3-compatible storage (issue 23 item 2): with PRIVATE_STORAGE_S3_BUCKET set, a
resident's upload lands in the bucket as a private object and is read back only through the app's view.

The bucket is moto's S3 answering at botocore's HTTP edge, in this process: the storage backend, boto3's
signing and requests are the real ones, no request leaves the machine."""

import boto3
import pytest
from django.core.files.storage.handler import StorageHandler
from django.urls import reverse
from moto import mock_aws

from marketplace.matters import services
from marketplace.matters.models import Material
from tests.marketplace.matters.conftest import PNG, upload
from tests.test_fail_closed import PRODUCTION

pytestmark = pytest.mark.django_db

BUCKET = "panlong-private"
KEYS = {"aws_access_key_id": "test-key-id", "aws_secret_access_key": "test-secret", "region_name": "us-east-1"}
EVERYONE = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture
def bucket(load_settings, monkeypatch):
    """The bucket, and the materials' storage as a production server started with these variables builds it."""
    settings = load_settings(
        "production",
        **PRODUCTION,
        PRIVATE_STORAGE_S3_BUCKET=BUCKET,
        PRIVATE_STORAGE_S3_REGION=KEYS["region_name"],
        PRIVATE_STORAGE_S3_ACCESS_KEY_ID=KEYS["aws_access_key_id"],
        PRIVATE_STORAGE_S3_SECRET_ACCESS_KEY=KEYS["aws_secret_access_key"],
    )
    with mock_aws():
        s3 = boto3.client("s3", **KEYS)
        s3.create_bucket(Bucket=BUCKET)
        # A model's file field takes its storage once, when the app loads: a server started with the
        # variables above holds this one.
        storage = StorageHandler(settings.STORAGES)["matters"]
        monkeypatch.setattr(Material._meta.get_field("file"), "storage", storage)
        yield s3


@pytest.fixture
def question(desks, resident):
    return services.submit(resident, "legal_question", "老板拖欠工资三个月，怎么办？", {"category": "labour"})


def test_an_upload_is_a_private_encrypted_object_read_back_only_through_the_view(
    bucket, client, question, resident, other_resident
):
    client.force_login(resident)
    response = client.post(
        reverse("matters:add-material", args=[question.reference]), {"kind": "document", "file": upload(PNG, "p.png")}
    )
    assert response.status_code == 302
    material = question.materials.get()

    (stored,) = bucket.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert stored["Key"] == f"matters/{material.file.name}"  # PRIVATE_STORAGE_S3_PREFIX's default
    head = bucket.head_object(Bucket=BUCKET, Key=stored["Key"])
    assert head["ServerSideEncryption"] == "AES256"
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=stored["Key"])["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner's only
    assert all(grant["Grantee"].get("URI") != EVERYONE for grant in grants)

    # The view streams the bytes itself: no redirect to a signed address of the bucket.
    download = client.get(reverse("matters:material", args=[material.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert "Location" not in download
    with pytest.raises(ValueError):
        _address = material.file.url

    client.force_login(other_resident)
    assert client.get(reverse("matters:material", args=[material.pk])).status_code == 404


def test_two_files_of_the_same_name_are_both_kept(bucket, resident, question):
    first = services.add_material(resident, question.reference, "document", upload())
    second = services.add_material(resident, question.reference, "document", upload(PNG, "evidence.pdf"))
    assert first.file.name != second.file.name
    assert first.file.open("rb").read() != second.file.open("rb").read()


def test_a_file_missing_from_the_bucket_is_not_found_not_an_error(bucket, client, question, resident):
    material = services.add_material(resident, question.reference, "document", upload())
    bucket.delete_object(Bucket=BUCKET, Key=f"matters/{material.file.name}")
    client.force_login(resident)
    assert client.get(reverse("matters:material", args=[material.pk])).status_code == 404
