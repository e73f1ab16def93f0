import io

import pytest

from marketplace.matters.models import Desk

# The first bytes of real files: the type check reads content, not names.
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def upload(content=PDF, name="evidence.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def desks(provider, other_provider):
    """The provider takes every kind of matter (the default), the other provider too."""
    for kind in ("legal_question", "mediation", "legal_aid", "follow_up"):
        Desk.objects.create(kind=kind, organisation=provider, is_default=True)
        Desk.objects.create(kind=kind, organisation=other_provider)
    return provider


@pytest.fixture
def pdf():
    return upload()


def a_file(size):
    return io.BytesIO(PDF + b"0" * max(0, size - len(PDF)))
