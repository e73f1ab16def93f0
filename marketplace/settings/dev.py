import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)

# Public, and only here and in the test settings: production has no default for any secret.
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-change-me"
PAYMENT_GATEWAY_SECRET = os.environ.get("PAYMENT_GATEWAY_SECRET") or "sandbox-secret"
# Identity data keys: public, like the secrets above.
PERSONAL_DATA_KEY = os.environ.get("PERSONAL_DATA_KEY") or "ZGV2LW9ubHktcGVyc29uYWwtZGF0YS1rZXktMzJiISE="
PERSONAL_DATA_HASH_KEY = os.environ.get("PERSONAL_DATA_HASH_KEY") or "dev-only-personal-data-hash-key"
