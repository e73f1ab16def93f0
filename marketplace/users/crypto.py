"""Personal data at rest: encrypted with one key from the environment, found by a keyed hash under another.

``seal``/``unseal`` are Fernet (AES-128-CBC with HMAC-SHA256) under ``PERSONAL_DATA_KEY``;
``keyed_hash`` is HMAC-SHA256 under ``PERSONAL_DATA_HASH_KEY``, so that whoever reads the
database (or a backup of it) can neither read a value nor test guesses against its hash.
Production refuses to start without both keys (marketplace/settings/production.py).
"""

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _fernet():
    key = settings.PERSONAL_DATA_KEY
    if not key:
        raise ImproperlyConfigured("PERSONAL_DATA_KEY is not set.")
    return Fernet(key.encode())


def seal(text):
    """``text`` encrypted, as a printable string (None and "" stay "")."""
    if not text:
        return ""
    return _fernet().encrypt(text.encode()).decode()


def unseal(token):
    """The text :func:`seal` gave ``token`` for ("" for ""); ValueError if it was sealed under another key."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError("This value was not sealed with PERSONAL_DATA_KEY.") from error


def keyed_hash(purpose, text):
    """HMAC-SHA256 of ``text`` for one ``purpose`` ("id_number", "phone"…), 64 hexadecimal digits."""
    key = settings.PERSONAL_DATA_HASH_KEY
    if not key:
        raise ImproperlyConfigured("PERSONAL_DATA_HASH_KEY is not set.")
    return hmac.new(key.encode(), f"{purpose}:{text}".encode(), hashlib.sha256).hexdigest()
