import os
import tempfile

from .base import *  # noqa: F403

DEBUG = False
# Public, and only here and in the development settings: production has no default for any secret.
SECRET_KEY = "test-only-insecure-key"
PAYMENT_GATEWAY_SECRET = "sandbox-secret"
# Identity data keys: public, like the secrets above.
PERSONAL_DATA_KEY = "ZGV2LW9ubHktcGVyc29uYWwtZGF0YS1rZXktMzJiISE="
PERSONAL_DATA_HASH_KEY = "dev-only-personal-data-hash-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run at once, in the test's thread, when the transaction commits; the worker's own
# tests switch to the database queue with override_settings.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # One folder per test process: the suite writes materials, and parallel runs never share them.
    "matters": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.path.join(tempfile.gettempdir(), f"panlong_private_{os.getpid()}"),
            "base_url": None,
        },
    },
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not Django's shared in-memory database, so that threads in the
    # concurrency tests meet the same WAL and busy-timeout behaviour as the site.
    # One file per process, so parallel runs never share it.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"panlong_test_{os.getpid()}.sqlite3")
    }
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_panlong_{os.getpid()}"}  # noqa: F405
    # A commit of a test database need not wait for the disk: nothing of it must outlive a crash.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405

# Rate-limit counters in memory: the suite clears them before each test (tests/conftest.py), without a database.
CACHES["ratelimit"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rate-limits"}  # noqa: F405
