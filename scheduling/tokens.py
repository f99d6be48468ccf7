"""Unguessable personal tokens that the database alone cannot reveal, and that survive a key rotation.

A token is a locator and a MAC: ``locator(purpose, salt)`` (96 bits, no key) followed by
HMAC-SHA256(key, purpose + salt) (256 bits), URL-safe. The row keeps the random salt (to rebuild
the link for later e-mails) and the SHA-256 of the locator (to find the row); without a key
the database gives no token, and a presented token counts only when its MAC is right
(``token_matches``).

The MAC is checked against ``SECRET_KEY`` and then every key in ``SECRET_KEY_FALLBACKS``, as
Django does for sessions and password resets. A link is always made with ``SECRET_KEY``, so
after a rotation (new key first, the old one in the fallbacks) old links keep working, new
e-mails carry links made with the new key, and removing the old key from the fallbacks ends the
old links. Because the locator needs no key, finding the row does not depend on which key made
the link. Replacing every link at once is a new salt per row (``manage.py links_rekey``).
"""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

LOCATOR_LENGTH = 16  # characters: 12 bytes, URL-safe base64


def new_salt() -> str:
    return secrets.token_hex(32)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _locator(purpose: str, salt: str) -> str:
    return _b64(hashlib.sha256(f"hadir:{purpose}:{salt}:locator".encode()).digest()[:12])


def _mac(key: str, purpose: str, salt: str) -> str:
    return _b64(hmac.new(key.encode(), f"hadir:{purpose}:{salt}".encode(), hashlib.sha256).digest())


def keys() -> list[str]:
    """The keys a token may be made with: the current one first, then the fallbacks."""
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def token_for(purpose: str, salt: str) -> str:
    """The link's token, made with the current key."""
    return _locator(purpose, salt) + _mac(settings.SECRET_KEY, purpose, salt)


def tokens_accepted(purpose: str, salt: str) -> list[str]:
    """The row's token under every accepted key (current first)."""
    locator = _locator(purpose, salt)
    return [locator + _mac(key, purpose, salt) for key in keys()]


def token_hash(token: str) -> str:
    """What the row stores to be found by: the SHA-256 of the token's locator (no key involved)."""
    return hashlib.sha256(token[:LOCATOR_LENGTH].encode()).hexdigest()


def token_matches(purpose: str, salt: str, token: str) -> bool:
    """True when ``token`` is the row's token under the current key or a fallback."""
    return any(hmac.compare_digest(token, candidate) for candidate in tokens_accepted(purpose, salt))


def token_fingerprint(token: str) -> str:
    """64 bits of the token's SHA-256: tells one link (and one key's version of it) from another,
    and gives no way back to it."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def keyed_digests(purpose: str, value: str, *, length: int = 32) -> list[str]:
    """A keyed hash of a value (a session key, a client address) under every accepted key, current
    first: stored with the first, recognised again by any."""
    return [
        hmac.new(key.encode(), f"hadir:{purpose}:{value}".encode(), hashlib.sha256).hexdigest()[:length]
        for key in keys()
    ]
