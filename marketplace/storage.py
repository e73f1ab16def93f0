"""Where matters' materials (ID cards, evidence) are kept when several app servers must all read them:
``STORAGES["matters"]`` (settings/base.py) is a folder on this machine by default, or, with
PRIVATE_STORAGE_S3_BUCKET set, a bucket of S3-compatible storage that every app server reaches."""

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """A private bucket whose files are read only through the app's permission-checked view.

    S3Storage would answer ``url()`` with a signed address that works for anyone holding it, for an hour,
    outside our checks and the access log: like the folder's storage (``base_url=None``), it has none.
    """

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("This file is not accessible via a URL.")
