"""The production layout (issue 23 item 1): Redis for the cache, sessions and rate limits when REDIS_URL
names it, kept database connections checked before reuse, and logs as JSON lines on standard output with
personal data masked, as an operator reads them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.test_fail_closed import PRODUCTION

ROOT = Path(__file__).resolve().parent.parent
REDIS = "django.core.cache.backends.redis.RedisCache"
PHONE = "13812345678"
ID_NUMBER = "530102199001011234"


@pytest.fixture
def production(load_settings, monkeypatch):
    def load(**changes):
        for name in ("REDIS_URL", "LOG_FORMAT", "DB_CONN_MAX_AGE", "RATELIMIT_CACHE_BACKEND"):
            monkeypatch.delenv(name, raising=False)
        return load_settings("production", **PRODUCTION, **changes)

    return load


def test_redis_holds_the_cache_the_sessions_and_the_rate_limits(production):
    settings = production(REDIS_URL="redis://127.0.0.1:6379/0")
    # The cache forgives Redis out of reach (marketplace/caching.py); sessions and counters do not.
    assert settings.CACHES["default"]["BACKEND"] == "marketplace.caching.ForgivingRedisCache"
    assert settings.CACHES["default"]["LOCATION"] == "redis://127.0.0.1:6379/0"
    assert settings.CACHES["sessions"]["BACKEND"] == REDIS
    assert settings.CACHES["ratelimit"]["BACKEND"] == REDIS
    assert settings.CACHES["ratelimit"]["KEY_PREFIX"] != settings.CACHES["default"]["KEY_PREFIX"]
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    assert settings.SESSION_CACHE_ALIAS == "sessions"


def test_without_redis_production_keeps_the_embedded_stores(production):
    settings = production()
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert settings.CACHES["ratelimit"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert not hasattr(settings, "SESSION_ENGINE")  # Django's own: the database


def test_a_rate_limit_store_named_apart_is_kept(production):
    settings = production(
        REDIS_URL="redis://127.0.0.1:6379/0",
        RATELIMIT_CACHE_BACKEND="django.core.cache.backends.redis.RedisCache",
        RATELIMIT_CACHE_LOCATION="redis://limits.internal:6379/1",
    )
    assert settings.CACHES["ratelimit"]["LOCATION"] == "redis://limits.internal:6379/1"


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [({"REDIS_URL": "127.0.0.1:6379"}, "REDIS_URL"), ({"LOG_FORMAT": "xml"}, "LOG_FORMAT")],
)
def test_a_malformed_setting_stops_the_start(production, changes, complaint):
    with pytest.raises(ImproperlyConfigured, match=complaint):
        production(**changes)


def test_database_connections_are_kept_and_checked_before_reuse(production):
    settings = production(DATABASE_URL="postgres://panlong@127.0.0.1:5432/panlong")
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 600
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_production_logs_json_lines_on_standard_output_without_personal_data():
    """A command run in the production environment writes each log line as one JSON object, the phone,
    the ID card number and the email address of the message, its traceback and its extras masked."""
    script = (
        "import logging\n"
        "log = logging.getLogger('marketplace.example')\n"
        f"log.warning('SMS to %s refused', '{PHONE}', extra={{'person': 'ID {ID_NUMBER}'}})\n"
        "try:\n"
        f"    raise ValueError('gateway said no to {PHONE}, wang.wu@example.com')\n"
        "except ValueError:\n"
        "    log.exception('Refund failed')\n"
    )
    environment = {
        **{key: value for key, value in os.environ.items() if key not in ("LOG_FORMAT", "LOG_LEVEL")},
        **PRODUCTION,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    ours = [line for line in lines if line["logger"] == "marketplace.example"]
    assert [(line["level"], line["message"]) for line in ours] == [
        ("WARNING", "SMS to 138****5678 refused"),
        ("ERROR", "Refund failed"),
    ]
    assert ours[0]["person"] == "ID 530102********1234"
    assert "timestamp" in ours[0]
    assert "ValueError: gateway said no to 138****5678, w***@example.com" in ours[1]["exc_info"]
    for text in (result.stdout, result.stderr):
        assert PHONE not in text and ID_NUMBER not in text and "wang.wu@" not in text


def test_the_environment_template_lists_every_variable_the_settings_read():
    """deploy/panlong.env.example is what an operator fills in: a variable missing there is one nobody sets."""
    import re

    read = re.compile(r"""(?:os\.environ\.get|env_bool|env_list|env_rate)\(\s*["']([A-Z_]+)["']""")
    sources = [*sorted((ROOT / "marketplace" / "settings").glob("*.py")), ROOT / "gunicorn.conf.py"]
    names = {name for path in sources for name in read.findall(path.read_text(encoding="utf-8"))}
    template = (ROOT / "deploy" / "panlong.env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#? ?([A-Z_]+)=", template, flags=re.MULTILINE))
    assert names - {"PORT"} <= listed, sorted(names - listed)


# --- several app servers (issue 23 item 2) ----------------------------------------------------------------

PRIVATE_STORAGE_VARIABLES = (
    "PRIVATE_STORAGE_S3_BUCKET",
    "PRIVATE_STORAGE_S3_ENDPOINT_URL",
    "PRIVATE_STORAGE_S3_REGION",
    "PRIVATE_STORAGE_S3_ACCESS_KEY_ID",
    "PRIVATE_STORAGE_S3_SECRET_ACCESS_KEY",
    "PRIVATE_STORAGE_S3_ADDRESSING_STYLE",
    "PRIVATE_STORAGE_S3_PREFIX",
    "PRIVATE_STORAGE_S3_ENCRYPT",
)


@pytest.fixture
def storage_settings(production, monkeypatch):
    def load(**changes):
        for name in PRIVATE_STORAGE_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        return production(**changes)

    return load


def test_materials_stay_in_a_private_folder_without_a_bucket(storage_settings):
    settings = storage_settings(PRIVATE_MEDIA_ROOT="/srv/panlong/private")
    matters = settings.STORAGES["matters"]
    assert matters["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert str(matters["OPTIONS"]["location"]) == "/srv/panlong/private" and matters["OPTIONS"]["base_url"] is None


def test_a_bucket_puts_materials_in_private_s3_compatible_storage(storage_settings):
    settings = storage_settings(
        PRIVATE_STORAGE_S3_BUCKET="panlong-private",
        PRIVATE_STORAGE_S3_ENDPOINT_URL="https://s3.example.gov.cn",
        PRIVATE_STORAGE_S3_ACCESS_KEY_ID="key-id",
        PRIVATE_STORAGE_S3_SECRET_ACCESS_KEY="secret",
        PRIVATE_STORAGE_S3_ADDRESSING_STYLE="path",
        PRIVATE_STORAGE_S3_PREFIX="/private/",
    )
    from django.core.files.storage.handler import StorageHandler

    storage = StorageHandler(settings.STORAGES)["matters"]
    assert type(storage).__name__ == "PrivateS3Storage"
    assert (storage.bucket_name, storage.endpoint_url, storage.location) == (
        "panlong-private",
        "https://s3.example.gov.cn",
        "private",
    )
    assert (storage.access_key, storage.secret_key, storage.addressing_style) == ("key-id", "secret", "path")
    assert storage.default_acl == "private" and storage.file_overwrite is False
    assert storage.object_parameters == {"ServerSideEncryption": "AES256"}
    # No address of a file leaves the app: its view, which checks who asks, is the only way to a material.
    with pytest.raises(ValueError):
        storage.url("matters/2026/id.png")


def test_without_credentials_the_bucket_uses_boto3s_own_and_encryption_can_be_left_to_the_service(
    storage_settings,
):
    settings = storage_settings(PRIVATE_STORAGE_S3_BUCKET="panlong-private", PRIVATE_STORAGE_S3_ENCRYPT="false")
    options = settings.STORAGES["matters"]["OPTIONS"]
    assert options["access_key"] is None and options["secret_key"] is None and options["endpoint_url"] is None
    assert options["object_parameters"] == {} and options["location"] == "matters"


def test_the_scale_out_benchs_nginx_configuration_is_accepted_by_nginx(tmp_path):
    """bench/scaleout.py's web server: two app servers round-robin, as `nginx -t` reads it."""
    import shutil

    if not shutil.which("nginx"):
        pytest.skip("nginx is not installed (apt-get install nginx)")
    from bench.scaleout import nginx_config

    config = tmp_path / "nginx.conf"
    config.write_text(nginx_config([18771, 18772], 18770, tmp_path), encoding="utf-8")
    tmp_path.chmod(0o755)
    checked = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(config)], capture_output=True, text=True, timeout=30
    )
    assert checked.returncode == 0, checked.stderr
    directives = [line.strip() for line in config.read_text(encoding="utf-8").splitlines()]
    directives = [line for line in directives if line and not line.startswith("#")]
    servers = [line for line in directives if line.startswith("server 127.0.0.1:")]
    assert [line.split()[1] for line in servers] == ["127.0.0.1:18771", "127.0.0.1:18772"]
    assert not [line for line in directives if line.startswith(("ip_hash", "hash ", "sticky"))]
    # A POST that reached a server is never sent to a second one (no non_idempotent).
    assert "proxy_next_upstream error timeout;" in directives
